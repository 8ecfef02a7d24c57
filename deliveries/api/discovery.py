"""GET /v1/Discovery/User — who the partner's token belongs to (Locate2u shape)."""
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch_portal.partners.permissions import PartnerTokenHasScope, partner_client_of


class DiscoveryUserSerializer(serializers.Serializer):
    userId = serializers.IntegerField()
    email = serializers.CharField(allow_blank=True)
    teamId = serializers.IntegerField(allow_null=True)
    teamName = serializers.CharField(allow_blank=True)


class DiscoveryUserApi(APIView):
    permission_classes = [PartnerTokenHasScope]
    required_scopes = ["integrations-api"]

    @extend_schema(
        tags=["Discovery"],
        summary="Retrieve information about the currently authenticated user.",
        responses=DiscoveryUserSerializer,
        examples=[
            OpenApiExample(
                "Example API Response",
                value={"userId": 12345, "email": "[email protected]", "teamId": 67890, "teamName": "My Company"},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        client = partner_client_of(request)
        customer = client.customer
        return Response(
            {
                "userId": client.pk,
                "email": client.email,
                "teamId": customer.pk if customer else None,
                "teamName": customer.display_name if customer else "",
            }
        )
