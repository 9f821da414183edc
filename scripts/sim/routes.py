"""The simulator's implemented operations, read from its Swift route tables.

Every `Route("METHOD", "/path", "operationId", ...)` literal under Sources/Simulator is one
implemented operation (Sources/Simulator/Routes.swift lists the tables).
"""
import pathlib
import re

ROUTE = re.compile(r'Route\(\s*"([A-Z]+)",\s*"([^"]+)",\s*"([A-Za-z0-9_]+)"')


def implemented_routes(root):
    """[(method, path, operationId)] in source order, from the Swift sources under root."""
    routes = []
    for path in sorted(pathlib.Path(root, "Sources", "Simulator").rglob("*.swift")):
        for match in ROUTE.finditer(path.read_text()):
            routes.append(match.groups())
    return routes
