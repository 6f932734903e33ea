from django.urls import path

from smartunion.mobile import views

app_name = "mobile"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_password, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("register/", views.register, name="register"),
    path("privacy/", views.privacy, name="privacy"),
    path("me/", views.me, name="me"),
    path("logout/", views.logout_view, name="logout"),
]
