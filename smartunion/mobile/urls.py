from django.urls import path

from smartunion.mobile import views, views_members

app_name = "mobile"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_password, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/reset/", views.password_reset_view, name="password_reset"),
    path("register/", views.register, name="register"),
    path("privacy/", views.privacy, name="privacy"),
    path("me/", views.me, name="me"),
    path("me/mobile/", views.signin_mobile, name="signin_mobile"),
    path("logout/", views.logout_view, name="logout"),
    # Membership: joining, status and inbox, the e-member card, the worker's own data.
    path("join/", views_members.join, name="join"),
    path("join/<int:org_id>/", views_members.join_apply_view, name="join_apply"),
    path("membership/", views_members.membership, name="membership"),
    path("membership/link/", views_members.membership_link, name="membership_link"),
    path("messages/", views_members.inbox, name="inbox"),
    path("membership/inbox/read/", views_members.inbox_read, name="inbox_read"),
    path("membership/withdraw/", views_members.application_withdraw, name="application_withdraw"),
    path("card/", views_members.card, name="card"),
    path("card/qr/", views_members.card_qr, name="card_qr"),
    path("me/data/", views_members.my_data, name="my_data"),
    path("me/data.json", views_members.my_data_json, name="my_data_json"),
    path("me/contact/", views_members.contact_update, name="my_contact_update"),
    path("me/close/", views_members.close_account, name="close_account"),
]
