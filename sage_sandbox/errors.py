"""The sandbox's HTTP errors and the JSON body they carry.

The body imitates the API-management gateway on api.columbus.sage.com (see
docs/decisions/0201-sandbox-error-body.md): a JSON array of
``{"$severity", "$dataCode", "$message", "$source"}`` objects.
"""

from __future__ import annotations

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An error the sandbox answers with `status` and the gateway-style JSON body."""

    def __init__(self, status: int, data_code: str, message: str, source: str = "sage200") -> None:
        super().__init__(message)
        self.status = status
        self.data_code = data_code
        self.message = message
        self.source = source

    def body(self) -> list[dict[str, str]]:
        return [
            {
                "$severity": "error",
                "$dataCode": self.data_code,
                "$message": self.message,
                "$source": self.source,
            }
        ]

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def bad_request(message: str, data_code: str = "InvalidQuery", source: str = "query") -> ApiError:
    return ApiError(400, data_code, message, source)
