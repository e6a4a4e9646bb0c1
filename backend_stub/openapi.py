"""OpenAPI 3 document built from the route declarations, and the validator that enforces it."""

from __future__ import annotations

import re
from typing import Any

from ._http import Operation

__all__ = ["COMPONENTS", "build_document", "coerce_query", "ref", "validate"]


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **props: Any) -> dict[str, Any]:
    """An object schema; extra properties are allowed (the seed's pages send plenty)."""
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


def arr(items: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **kw}


S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
N = {"type": "number"}
B = {"type": "boolean"}
NS = {"type": "string", "nullable": True}
ID = {"type": "string", "minLength": 1, "maxLength": 64}

ORDER_STATUS = ["created", "paid", "shipped", "completed", "closed", "refunding", "refunded", "refund_failed"]

COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": obj(["error", "message"], error=S, message=S, details=arr(S)),
    "Product": obj(
        ["id", "name", "price", "groupPrice", "groupSize", "stock", "image", "category"],
        id=S, name=S, description=S, price=I, groupPrice=I, groupSize=I, stock=I, image=S,
        images=arr(S), category=S, commissionRate=N, sales=I,
    ),
    "Order": obj(
        ["id", "productId", "quantity", "amount", "status", "createdAt", "outTradeNo"],
        id=S, productId=S, productName=S, quantity=I, amount=I,
        status={"type": "string", "enum": ORDER_STATUS}, groupId=NS, createdAt=S, paidAt=NS,
        expiresAt=S, outTradeNo=S, closedReason=NS, refundError=NS,
    ),
    "PayParams": obj(
        ["timeStamp", "nonceStr", "package", "signType", "paySign"],
        timeStamp=S, nonceStr=S, package=S, signType={"type": "string", "enum": ["RSA"]}, paySign=S,
    ),
    "Participant": obj(["userId", "paid"], userId=S, nickname=S, avatar=S, paid=B, refunded=B),
    "Group": obj(
        ["id", "productId", "creatorId", "maxParticipants", "participants", "status", "endTime"],
        id=S, productId=S, productName=S, productImage=S, price=I, creatorId=S, maxParticipants=I,
        participants=arr(ref("Participant")), status={"type": "string", "enum": ["open", "complete", "failed"]},
        endTime=S, createdAt=S, virtual=B,
    ),
    "Author": obj(["id", "name"], id=S, name=S, avatar=S),
    "Post": obj(
        ["id", "author", "content", "images", "likeCount", "liked", "commentCount", "shareCount", "createdAt"],
        id=S, author=ref("Author"), content=S, images=arr(S), productId=NS, likeCount=I, liked=B,
        commentCount=I, shareCount=I, createdAt=S,
    ),
    "Comment": obj(["id", "author", "content", "createdAt"], id=S, author=ref("Author"), content=S, createdAt=S),
    "Badge": obj(["id", "name", "description"], id=S, name=S, description=S, earnedAt=NS),
    "Stream": obj(
        ["id", "title", "status", "viewerCount"], id=S, title=S, anchorName=S,
        status={"type": "string", "enum": ["preview", "live", "ended"]}, viewerCount=I, coverImage=S,
    ),
    "Ok": obj(["ok"], ok=B),
}


# -- validation ---------------------------------------------------------------------------------

_TYPES: dict[str, Any] = {"string": str, "object": dict, "array": list, "boolean": bool}


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def validate(schema: dict[str, Any], value: Any, where: str = "body") -> list[str]:
    """Errors of `value` against a (subset of) OpenAPI 3.0 schema; empty when valid."""
    if "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return [] if schema.get("nullable") or "type" not in schema else [f"{where}: must not be null"]
    kind = schema.get("type")
    if kind and not _type_ok(kind, value):
        return [f"{where}: expected {kind}"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: must be one of {', '.join(map(str, schema['enum']))}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{where}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: does not match {schema['pattern']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: must be >= {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: must be <= {schema['maximum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}.{name}: required")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                errors.extend(validate(sub, value[name], f"{where}.{name}"))
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{where}: more than {schema['maxItems']} items")
        for i, item in enumerate(value):
            errors.extend(validate(schema.get("items", {}), item, f"{where}[{i}]"))
    return errors


def coerce_query(spec: dict[str, dict[str, Any]], raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Turn query strings into typed values per the declared parameters; unknown keys pass as strings."""
    out: dict[str, Any] = {}
    errors: list[str] = []
    for key in raw:
        value = raw.get(key)
        schema = spec.get(key)
        if schema is None:
            out[key] = value
            continue
        kind = schema.get("type", "string")
        try:
            typed: Any = int(value) if kind == "integer" else float(value) if kind == "number" else value
        except ValueError:
            errors.append(f"query.{key}: expected {kind}")
            continue
        errors.extend(validate(schema, typed, f"query.{key}"))
        out[key] = typed
    for key, schema in spec.items():
        if key not in out and "default" in schema:
            out[key] = schema["default"]
    return out, errors


# -- document -----------------------------------------------------------------------------------

_ERRORS = {400: "invalid request", 401: "no or unknown token", 403: "acting for another user",
           404: "not found", 409: "conflict", 410: "gone", 429: "too many", 502: "platform unavailable"}


def _operation(op: Operation) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    params += [{"name": k, "in": "query", "required": False, "schema": v} for k, v in op.query.items()]
    success: dict[str, Any] = {"description": "success"}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": op.response}}
    responses: dict[str, Any] = {str(op.status): success}
    codes = {400, *op.errors} | ({401, 403} if op.auth else set())
    if params and any(p["in"] == "path" for p in params):
        codes.add(404)
    for code in sorted(codes):
        responses[str(code)] = {"description": _ERRORS.get(code, "error"),
                                "content": {"application/json": {"schema": ref("Error")}}}
    out: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "operationId": _op_id(op),
                           "responses": responses}
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {"required": bool(op.body.get("required")),
                              "content": {"application/json": {"schema": op.body}}}
    if op.auth:
        out["security"] = [{"bearer": []}]
    return out


def _op_id(op: Operation) -> str:
    words = re.sub(r"[{}]", "", op.path).strip("/").replace("-", "_").split("/")
    return op.method.lower() + "_" + "_".join(w for w in words if w != "api")


def build_document(operations: list[Operation], extra_paths: dict[str, dict[str, Any]] | None = None,
                   extra_schemas: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document for every public (non-admin) route, plus routes declared by hand (the socket)."""
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        if op.path.startswith("/__admin"):
            continue
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    for path, methods in (extra_paths or {}).items():
        paths.setdefault(path, {}).update(methods)
    return {
        "openapi": "3.0.3",
        "info": {"title": "wxsim backend_stub", "version": "0.1.0",
                 "description": "Merchant backend of the social-commerce sample app (docs/backend-api.md)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**COMPONENTS, **(extra_schemas or {})},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
