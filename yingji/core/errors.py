"""Domain errors. The web UI shows their message; the API turns them into
{"code", "message", "details"} with the status given here."""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class ConflictError(DomainError):
    code = "conflict"
    status = 409


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403
