"""The HTTP adapter: routes, schemas, auth, problem details and the German pages."""
