"""The ASGI application: Django for HTTP (with static files), the live websocket at /ws/.

The websocket needs a logged-in user (the session cookie, through AuthMiddlewareStack) and an
Origin among ALLOWED_HOSTS, so another site's page cannot open it with the user's cookie.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

django_application = get_asgi_application()  # sets Django up before the consumers are imported

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from explorer.streaming.routing import websocket_urlpatterns  # noqa: E402
from explorer.web.static_files import with_static_files  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_static_files(django_application),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
