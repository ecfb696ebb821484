from django.contrib.auth import views as auth_views
from django.urls import path

from explorer.web import pages

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("healthz", pages.healthz, name="healthz"),
    path("api/clusters", pages.clusters_api, name="api-clusters"),
    path(
        "api/clusters/<path:cluster>/bundle",
        pages.start_bundle_download,
        name="api-cluster-bundle",
    ),
    path("downloads/<str:task>", pages.download, name="download"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("login/once/<str:token>", pages.login_once, name="login-once"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
