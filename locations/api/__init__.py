"""Fluent Commerce-compatible Location API v4.1 for partners (`/api/v4.1/location`).

urls.py routes, views.py handles requests (base.py: scopes, JSON, errors), params.py and parsing.py
read query strings and bodies, selectors.py and services.py read and write, shapes.py renders,
errors.py holds the Fluent error shape, schema.py the OpenAPI description.
"""
