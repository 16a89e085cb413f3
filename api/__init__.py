"""The HTTP adapter: routes, request schemas, auth, problem details and the German dashboard pages."""
