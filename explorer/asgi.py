"""The ASGI application: Django for HTTP (with static files), the live websocket at /ws/.

The websocket needs a logged-in user (the session cookie, through AuthMiddlewareStack) and the
app's own Origin, exactly, or a trusted one (explorer/web/websocket_origin.py), so no other
page — another site, or another port or scheme of this host — can open it with the cookie. A
share session's socket shows its snapshot only (explorer/web/share_sessions.py).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

django_application = get_asgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from explorer.streaming.routing import websocket_urlpatterns  # noqa: E402
from explorer.web.share_sessions import ShareSocketMiddleware  # noqa: E402
from explorer.web.static_files import with_static_files  # noqa: E402
from explorer.web.websocket_origin import SameOriginOnly  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_static_files(django_application),
        "websocket": SameOriginOnly(
            AuthMiddlewareStack(ShareSocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
