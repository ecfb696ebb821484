from ..streaming.conftest import session_cookie  # noqa: F401  (a logged-in user's, for tabs)
