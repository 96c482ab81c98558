"""Errors a user can fix: the CLI prints their message on one line and exits non-zero."""


class UserError(Exception):
    """A fault in the user's input (a file, a row, a field, an argument), with a clear message."""


class ChecklistError(UserError):
    """A checklist or topics file that does not follow docs/checklists.md."""


class RegisterError(UserError):
    """A register or catalogue file that cannot be imported; nothing was changed."""
