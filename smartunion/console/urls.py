from django.urls import path

from smartunion.console.views import audit, auth, enterprises, home, orgs, roles

app_name = "console"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/otp/", auth.login_otp, name="login_otp"),
    path("login/enrol/", auth.login_enrol, name="login_enrol"),
    path("logout/", auth.logout_view, name="logout"),
    path("language/", auth.set_language, name="set_language"),
    path("orgs/", orgs.org_tree, name="org_tree"),
    path("orgs/pick/", orgs.org_pick, name="org_pick"),
    path("orgs/<int:pk>/", orgs.org_detail, name="org_detail"),
    path("orgs/<int:pk>/children/", orgs.org_children_view, name="org_children"),
    path("orgs/<int:pk>/add/", orgs.org_add, name="org_add"),
    path("orgs/<int:pk>/edit/", orgs.org_edit, name="org_edit"),
    path("orgs/<int:pk>/move/", orgs.org_move_view, name="org_move"),
    path("orgs/<int:pk>/delete/", orgs.org_delete_view, name="org_delete"),
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprises.enterprise_add, name="enterprise_add"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/delete/", enterprises.enterprise_delete, name="enterprise_delete"),
    path("roles/", roles.role_grants, name="role_grants"),
    path("roles/grant/", roles.role_grant_view, name="role_grant"),
    path("roles/<int:pk>/revoke/", roles.role_revoke_view, name="role_revoke"),
    path("staff/new/", roles.staff_add, name="staff_add"),
    path("staff/<int:pk>/reset-authenticator/", roles.staff_reset_authenticator, name="staff_reset_authenticator"),
    path("audit/", audit.audit_log, name="audit_log"),
]
