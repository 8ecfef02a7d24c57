"""Fluent Commerce Location API v4.1 under /api/v4.1/location (CONTRACT §4).

Views parse the request (params.py, parsing.py), call selectors/services and render (shapes.py).
Scopes: GET needs LOCATION_VIEW, POST LOCATION_CREATE, PUT LOCATION_EDIT. A partner client bound
to a retailer sees only that retailer's locations; anything else is a 404, never a 403.
"""
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from locations.models import LocationAttribute
from locations.selectors import location_search

from . import schema, shapes
from .base import FluentApiView
from .errors import NotFound, location_not_found, raise_problems
from .params import parse_list_query
from .parsing import parse_eta_body, parse_location_body
from .selectors import (
    location_etas,
    location_for_detail,
    location_page,
    network_names_by_location,
    storage_area_by_ref_or_name,
)
from .services import etas_upsert, location_create, location_update


class LocationListApi(FluentApiView):
    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_list",
        summary="Finds all Locations for the given criteria",
        description="A page of the locations the client may see, sorted by name. `count` in the answer is the "
        "number of results returned; `distance` is given when a map area is.",
        parameters=schema.LIST_PARAMETERS,
        responses={200: schema.FluentLocationPageSerializer, **schema.error_responses(400, 401, 403)},
        examples=[schema.LIST_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def get(self, request):
        query, problems = parse_list_query(request.query_params)
        raise_problems(problems)
        locations = location_search(
            self.visible_locations(),
            retailer=query.retailer,
            network=query.network,
            network_types=list(query.network_types),
            statuses=list(query.statuses),
            bbox=query.bbox,
            query=query.query,
        )
        rows, has_more = location_page(locations, start=query.start, count=query.count)
        names = network_names_by_location([row["id"] for row in rows]) if rows else {}
        distance_to = shapes.distance_from(query.bbox.centre) if query.bbox else None
        results = [shapes.list_result(row, names.get(row["id"], []), distance_to) for row in rows]
        return Response({"start": query.start, "count": len(results), "hasMore": has_more, "results": results})

    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_create",
        summary="Creates a new Location",
        description="locationRef, name and type are required; status defaults to ACTIVE, timeZone to "
        "Europe/London, pickAndPackTimeLimit to 3, retailerId to the client's retailer (else \"1\"). "
        "Every problem of the body is listed in one 400; nothing is saved then.",
        request=schema.FluentLocationCreateSerializer,
        responses={200: schema.FluentIdSerializer, **schema.error_responses(400, 401, 403)},
        examples=[schema.CREATE_EXAMPLE, schema.ID_EXAMPLE, schema.INVALID_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def post(self, request):
        data = parse_location_body(self.json_object(), creating=True)
        location = location_create(data=data, client_retailer=self.client.retailer, via=self.via())
        return Response({"id": str(location.pk)})


class LocationDetailApi(FluentApiView):
    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_retrieve",
        summary="Finds a location by location ID",
        parameters=[schema.LOCATION_ID],
        responses={200: schema.FluentLocationSerializer, **schema.error_responses(401, 403, 404)},
        examples=[schema.DETAIL_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def get(self, request, location_id: int):
        visible = self.visible_locations()
        location = location_for_detail(visible, location_id)
        if location is None:
            raise location_not_found(location_id)
        return Response(shapes.location_detail(location, location_etas(location, visible)))

    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_update",
        summary="Update an existing Location",
        description="Fields present replace the stored ones, absent fields are kept (inside address and "
        "openingHours too); lists are replaced whole. Every problem is listed in one 400; nothing is saved then.",
        parameters=[schema.LOCATION_ID],
        request=schema.FluentLocationUpdateSerializer,
        responses={200: schema.FluentIdSerializer, **schema.error_responses(400, 401, 403, 404)},
        examples=[schema.UPDATE_EXAMPLE, schema.ID_EXAMPLE, schema.INVALID_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def put(self, request, location_id: int):
        location = self.visible_locations().filter(pk=location_id).first()
        if location is None:
            raise location_not_found(location_id)
        data = parse_location_body(self.json_object(), creating=False)
        location = location_update(location=location, data=data, via=self.via())
        return Response({"id": str(location.pk)})


class LocationAttributeListApi(FluentApiView):
    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_attribute_list",
        summary="Retrieves Location Attributes",
        parameters=[schema.LOCATION_ID],
        responses={200: schema.FluentLocationAttributesSerializer, **schema.error_responses(401, 403, 404)},
        examples=[schema.ATTRIBUTES_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def get(self, request, location_id: int):
        if not self.visible_locations().filter(pk=location_id).exists():
            raise location_not_found(location_id)
        attributes = LocationAttribute.objects.filter(location_id=location_id).order_by("name")
        return Response({"locationId": str(location_id), "attributes": [shapes.attribute(a) for a in attributes]})


class StorageAreaDetailApi(FluentApiView):
    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_storage_area_retrieve",
        summary="Retrieves details of a Location's Storage Area",
        parameters=[schema.LOCATION_ID, schema.STORAGE_AREA_REF],
        responses={200: schema.FluentStorageAreaSerializer, **schema.error_responses(401, 403, 404)},
        examples=[schema.STORAGE_AREA_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def get(self, request, location_id: int, storage_area_ref: str):
        if not self.visible_locations().filter(pk=location_id).exists():
            raise location_not_found(location_id)
        area = None if "\x00" in storage_area_ref else storage_area_by_ref_or_name(location_id, storage_area_ref)
        if area is None:
            raise NotFound([f"Storage area {storage_area_ref!r} was not found at location {location_id}"])
        return Response(shapes.storage_area(area))


class LocationEtaUpdateApi(FluentApiView):
    @extend_schema(
        tags=schema.TAGS,
        operation_id="location_eta_update",
        summary="Update Location ETA",
        description="Sets the transit time in minutes for each (fromLocation, toLocation) pair. Entries that "
        "cannot be applied (unknown location, eta not a whole number of minutes ≥ 0, from = to) are listed in "
        "failedEtas; the others are still applied and the answer is 200.",
        request=schema.FluentEtaUpdateSerializer,
        responses={200: schema.FluentEtaResultSerializer, **schema.error_responses(400, 401, 403)},
        examples=[schema.ETA_REQUEST_EXAMPLE, schema.ETA_RESPONSE_EXAMPLE, schema.UNAUTHORIZED_EXAMPLE],
    )
    def put(self, request):
        items, problems = parse_eta_body(self.json_object())
        raise_problems(problems)
        updated, failed = etas_upsert(items=items, visible=self.visible_locations())
        body = {"updatedEtas": [{"fromLocation": i.from_id, "toLocation": i.to_id, "eta": i.minutes} for i in updated]}
        if failed:
            body["failedEtas"] = [
                {"fromLocation": i.from_raw, "toLocation": i.to_raw, "error": i.error} for i in failed
            ]
        return Response(body)
