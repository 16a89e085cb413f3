"""`/docs/swagger`: Swagger UI from the swagger-ui-bundle-v2 package's files (Swagger UI 5, which reads
OpenAPI 3.1; the older swagger-ui-bundle ships 4.15 and cannot), no CDN, no inline script."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
PAGE = """<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>buendnis – HTTP-API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/static/docs.js"></script>
</body>
</html>
"""


@router.get("/docs/swagger", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
