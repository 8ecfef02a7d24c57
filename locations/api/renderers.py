"""JSON for the Fluent Location API, rendered by orjson.

A list answer carries up to 10000 locations; the standard library's encoder took as long to
render it as the database took to find it (make bench, location search). Datetimes, dataclasses
and subclasses of str/int/dict/list are passed to DRF's own encoder, so anything but plain data
is written exactly as every other API of the portal writes it.
"""
import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_PASS_TO_DRF = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=JSONEncoder().default, option=_PASS_TO_DRF)
