"""Discord's JSON error bodies, so discord.py raises the same exceptions it would in production."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised by a route handler; becomes ``{"message", "code"[, "errors"]}`` with ``status``."""

    def __init__(self, status: int, code: int, message: str,
                 errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


class StandInUsageError(AssertionError):
    """The test asked for something a real Discord user could not do (a bug in the test)."""


def unknown(what: str) -> ApiError:
    codes = {"Channel": 10003, "Guild": 10004, "Message": 10008, "User": 10013,
             "Webhook": 10015, "Interaction": 10062, "Application": 10002,
             "Member": 10007, "Role": 10011}
    return ApiError(404, codes[what], f"Unknown {what}")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")
