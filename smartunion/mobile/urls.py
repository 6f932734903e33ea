from django.urls import path

from smartunion.mobile.views import accounts, calculator, cases, cases_apply, home, members, notifications

app_name = "mobile"
urlpatterns = [
    path("", home.home, name="home"),
    path("merchant/", home.merchant_home, name="merchant_home"),
    path("login/", accounts.login_password, name="login"),
    path("login/code/", accounts.login_code, name="login_code"),
    path("login/reset/", accounts.password_reset_view, name="password_reset"),
    path("register/", accounts.register, name="register"),
    path("privacy/", accounts.privacy, name="privacy"),
    path("me/", accounts.me, name="me"),
    path("me/mobile/", accounts.signin_mobile, name="signin_mobile"),
    path("logout/", accounts.logout_view, name="logout"),
    # Membership: joining, status and inbox, the e-member card, the worker's own data.
    path("join/", members.join, name="join"),
    path("join/<int:org_id>/", members.join_apply_view, name="join_apply"),
    path("membership/", members.membership, name="membership"),
    path("membership/link/", members.membership_link, name="membership_link"),
    path("messages/", notifications.inbox, name="inbox"),
    path("membership/inbox/read/", notifications.inbox_read, name="inbox_read"),
    path("membership/withdraw/", members.application_withdraw, name="application_withdraw"),
    path("card/", members.card, name="card"),
    path("card/qr/", members.card_qr, name="card_qr"),
    path("me/data/", members.my_data, name="my_data"),
    path("me/data.json", members.my_data_json, name="my_data_json"),
    path("me/contact/", members.contact_update, name="my_contact_update"),
    path("me/close/", members.close_account, name="close_account"),
    # The statutory calculator: anyone, signed in or not.
    path("calculator/", calculator.calculator_home, name="calculator"),
    path("calculator/<slug:slug>/", calculator.calculator_page, name="calculator_page"),
    # Mediation, legal aid and advice: applying (a guided interview), following a case, a lookup.
    path("cases/", cases.case_list, name="case_list"),
    path("cases/apply/", cases_apply.apply_start, name="case_apply"),
    path("cases/apply/<str:kind>/discard/", cases_apply.apply_discard, name="case_apply_discard"),
    path("cases/apply/<str:kind>/<str:step>/", cases_apply.apply_step, name="case_apply_step"),
    path("cases/lookup/", cases.lookup, name="case_lookup"),
    path("cases/lookup/<int:pk>/", cases.lookup_result, name="case_lookup_result"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/evidence/", cases.case_evidence_add, name="case_evidence_add"),
    path("cases/<int:pk>/evidence/<int:evidence_id>/", cases.case_evidence_file, name="case_evidence"),
    path("cases/<int:pk>/documents/<int:document_id>/", cases.case_document, name="case_document"),
    path("cases/<int:pk>/shares/<int:share_id>/", cases.case_share_answer, name="case_share_answer"),
    path("cases/<int:pk>/rate/", cases.case_rate_view, name="case_rate"),
]
