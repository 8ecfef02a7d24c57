"""The sandbox's own promises at the HTTP level: the spec's envelope, and never a 500 from bad input."""
import pytest
import requests

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(sandbox_url, settings):
    token = requests.post(f"{sandbox_url}/connect/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": settings.LINETEN_CLIENT_ID,
        "client_secret": settings.LINETEN_CLIENT_SECRET}).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method: str, path: str, **kwargs) -> requests.Response:
        return session.request(method, f"{sandbox_url}{path}", timeout=5, **kwargs)

    return call


def test_token_requests_refuse_unknown_clients_and_grants(sandbox_url, settings):
    url = f"{sandbox_url}/connect/token"
    bad = requests.post(url, data={"grant_type": "client_credentials", "client_id": settings.LINETEN_CLIENT_ID,
                                   "client_secret": "nope"}, timeout=5)
    assert (bad.status_code, bad.json()) == (401, {"error": "invalid_client"})
    grant = requests.post(url, data={"grant_type": "password", "client_id": "x", "client_secret": "y"}, timeout=5)
    assert (grant.status_code, grant.json()) == (400, {"error": "unsupported_grant_type"})
    basic = requests.post(url, data={"grant_type": "client_credentials"}, timeout=5,
                          auth=(settings.LINETEN_CLIENT_ID, settings.LINETEN_CLIENT_SECRET))
    assert basic.status_code == 200


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_api_calls_without_a_valid_bearer_are_401(sandbox_url, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.post(f"{sandbox_url}/v2/nds/quote", json={}, headers=headers, timeout=5)

    assert response.status_code == 401
    assert response.json()["info"]["errorMessages"] == ["Authorization: a valid bearer token is required"]


@pytest.mark.parametrize("path, body", [
    ("/v2/nds/quote", b"{not json"),
    ("/v2/nds/quote", b"[1, 2]"),
    ("/v2/nds/quote", b'{"Tasks": "two"}'),
    ("/v2/nds/quote", b'{"Tasks": [{"Type": 3, "Location": []}, null], "TransportType": "car"}'),
    ("/v2/nds/quote", b'{"Tasks": [{"Type": "pickup", "Location": {"ExtStoreRef": 7}}], "DeliveryProvider": [1]}'),
    ("/v2/nds/immediateBooking", b'{"Tasks": [{"Type": "delivery", "Items": [{"Package": {"Size": "XXL"}}]}]}'),
    ("/v2/nds/booking", b'{"JobId": true, "QuoteResponseId": 5}'),
    ("/v2/nds/booking", b'"just text"'),
    ("/v2/nds/booking", b'{"JobId": 99999999999999999999999, "QuoteResponseId": "x", "CallbackUrl": 5}'),
    ("/v2/nds/quote", b'{"Tasks": [{"Type": "pickup", "Location": {"GeoLocation": {"Latitude": 1e999}}}]}'),
])
def test_bad_bodies_are_400_in_the_spec_envelope(api, path, body):
    response = api("POST", path, data=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 400, response.text
    info = response.json()["info"]
    assert info["error"] is True and info["status"] == 400 and info["errorMessages"]
    assert info["endpoint"] == path and response.json()["payload"] is None


def test_every_problem_of_a_quote_comes_back_at_once(api):
    body = {"TransportType": ["rocket"], "Tasks": [
        {"Type": "pickup", "Location": {"Address": {"Address1": "1 A St"}, "GeoLocation": {"Latitude": 51}}},
        {"Type": "delivery", "RequestedWindow": {"From": "2030-01-01T12:00:00", "To": "2030-01-01T11:00:00"},
         "Location": {"Address": {"Address1": "2 B St", "Postcode": "W1"}}},
    ]}

    messages = api("POST", "/v2/nds/quote", json=body).json()["info"]["errorMessages"]

    assert messages == [
        "TransportType[0]: 'rocket' is not a transport type; one of walker, bike, cargobike, motorbike, car, van, "
        "truck, any, minivan",
        "Tasks[0].Location.Address.Postcode: is required",
        "Tasks[0].Location.GeoLocation.Longitude: is required",
        "Tasks[1].Location.GeoLocation: is required: LineTen needs the coordinates of every address",
        "Tasks[1].RequestedWindow.To: must be after From",
    ]


def test_a_job_nobody_can_carry_is_a_400_that_says_why(api):
    from deliveries.carriers.lineten.mapping import quote_request_to_json

    from .conftest import quote_request

    body = quote_request_to_json(quote_request(transport_types=("walker",)))

    response = api("POST", "/v2/nds/quote", json=body)

    assert response.status_code == 400
    assert "no delivery provider can take this job" in response.json()["info"]["errorMessages"][0]


@pytest.mark.parametrize("job_id", ["abc", "99999", "-1", "9" * 30])
def test_cancelling_a_job_that_does_not_exist_is_a_404(api, job_id):
    response = api("POST", f"/v2/job/cancel/{job_id}")

    assert response.status_code == 404 and response.json()["info"]["error"] is True


def test_a_wrong_method_is_a_405_naming_the_allowed_ones(api):
    response = api("GET", "/v2/nds/quote")

    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_unknown_faults_and_cancel_methods_are_refused(sandbox_url):
    assert requests.post(f"{sandbox_url}/_faults", data=b"gremlins=1", timeout=5).status_code == 400
    assert requests.post(f"{sandbox_url}/_cancel_methods", data=b"DELETE", timeout=5).status_code == 400
