"""The REST API, assembled from each app's ``api.py`` router."""

from ninja import NinjaAPI

api = NinjaAPI(title="共治 API", version="1", urls_namespace="api")
