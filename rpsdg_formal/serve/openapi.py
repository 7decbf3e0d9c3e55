"""The OpenAPI 3.0 description of the verification service (`GET /openapi.json`)."""

from __future__ import annotations

from rpsdg_formal.serve.config import Json


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _reply(description: str, schema: str) -> Json:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_ERRORS = {
    "400": "malformed JSON, a field of the wrong type, or a missing field",
    "404": "unknown path",
    "405": "wrong method for the path",
    "408": "the body did not arrive in time",
    "411": "no Content-Length header",
    "413": "the body is larger than max_body_bytes",
    "422": "unknown theory, a kernel term outside the whitelist, an unreadable statement, or "
    "more proofs or tactics than allowed",
    "500": "an unexpected error in the service (logged; the service keeps running)",
    "503": "every Lean worker is busy and the queue is full: retry later",
}


def openapi_document() -> Json:
    """The OpenAPI 3.0 description of every endpoint, request and response."""
    string = {"type": "string"}
    nullable_string = {"type": "string", "nullable": True}
    schemas: Json = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {**string, "description": "what is wrong and how to fix it"}},
        },
        "Health": {"type": "object", "properties": {"status": {"type": "string", "enum": ["ok"]}}},
        "Theory": {
            "type": "object",
            "properties": {
                "name": string,
                "carrier": string,
                "lean_module": string,
                "lemmas": {"type": "array", "items": string},
                "constants": {"type": "array", "items": string},
            },
        },
        "Theories": {
            "type": "object",
            "properties": {"theories": {"type": "array", "items": _ref("Theory")}},
        },
        "TacticProof": {
            "type": "object",
            "required": ["statement", "tactics"],
            "additionalProperties": False,
            "properties": {
                "id": string,
                "statement": {**string, "example": "x * y = y * x"},
                "variables": {"type": "array", "items": string},
                "tactics": {
                    "type": "array",
                    "minItems": 1,
                    "items": {**string, "example": "rw [mul_comm x y]"},
                },
            },
        },
        "ForwardProof": {
            "type": "object",
            "required": ["hypotheses", "goal", "tactics"],
            "additionalProperties": False,
            "description": "an equation or system proof reasoning forward from its hypotheses "
            "(`h0`, `h1`, …), in the rendering of the exports",
            "properties": {
                "id": string,
                "hypotheses": {
                    "type": "array",
                    "minItems": 1,
                    "items": {**string, "example": "2 * x + 1 = 9"},
                },
                "goal": {
                    **string,
                    "example": "x = 4",
                    "description": "one equation, or two joined by ∧",
                },
                "variables": {"type": "array", "items": string},
                "tactics": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        **string,
                        "example": "have h1 : 2 * x + 1 - 1 = 9 - 1 := "
                        "congrArg (fun t => t - 1) h0",
                    },
                },
            },
        },
        "KernelProof": {
            "type": "object",
            "required": ["lean_statement", "lean_proof"],
            "additionalProperties": False,
            "properties": {
                "id": string,
                "lean_statement": {**string, "example": "∀ (x y : R), Eq (mul x y) (mul y x)"},
                "lean_proof": {**string, "example": "fun x y => mul_comm x y"},
            },
        },
        "VerifyRequest": {
            "type": "object",
            "required": ["theory", "proofs"],
            "additionalProperties": False,
            "properties": {
                "theory": {**string, "example": "field"},
                "proofs": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "oneOf": [_ref("TacticProof"), _ref("ForwardProof"), _ref("KernelProof")]
                    },
                },
            },
        },
        "ProofResult": {
            "type": "object",
            "required": ["id", "accepted", "failed_step", "message", "seconds"],
            "properties": {
                "id": nullable_string,
                "accepted": {"type": "boolean"},
                "failed_step": {
                    "type": "integer",
                    "nullable": True,
                    "description": "0-based index of the failing tactic or `have`; the number "
                    "of tactics when the goal is not closed",
                },
                "message": {**string, "description": "Lean's first error, or ours"},
                "seconds": {"type": "number"},
            },
        },
        "VerifyResponse": {
            "type": "object",
            "required": ["theory", "results", "seconds"],
            "properties": {
                "theory": string,
                "results": {"type": "array", "items": _ref("ProofResult")},
                "seconds": {"type": "number"},
            },
        },
    }

    def errors(*codes: str) -> Json:
        return {code: _reply(_ERRORS[code], "Error") for code in codes}

    def get(summary: str, schema: str) -> Json:
        return {"get": {"summary": summary, "responses": {"200": _reply(summary, schema)}}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "rpsdg-formal verification service",
            "version": "1.0.0",
            "description": "Checks proofs with the Lean kernel, as tactic scripts or kernel terms.",
        },
        "paths": {
            "/health": get("the service is up", "Health"),
            "/theories": get("the theories served, their lemmas and constants", "Theories"),
            "/openapi.json": {
                "get": {
                    "summary": "this document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.0",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/verify": {
                "post": {
                    "summary": "verify proofs with the Lean kernel",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("VerifyRequest")}},
                    },
                    "responses": {
                        "200": _reply("one result per proof, in order", "VerifyResponse"),
                        **errors("400", "408", "411", "413", "422", "500", "503"),
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }
