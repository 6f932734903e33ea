"""Scope rows of the merchant clerk's home on the phone (/m/merchant/): the mobile web's second
audience. The page holds nothing of any org yet; who may open it is what these rows pin: staff with
the merchant clerk's flag (``benefits.redeem``, which a federation administrator also holds), not
other staff, not workers, not visitors."""

from __future__ import annotations

from tests.scope.rows import Row

MATRIX = [
    # Visitors and workers sign in on the console first, and come back here.
    Row("anonymous", "mobile", "GET", "/m/merchant/", 302, redirect="/console/login/"),
    Row("worker_b", "mobile", "GET", "/m/merchant/", 302, redirect="/console/login/"),
    # Staff without benefits.redeem are refused; a holder of the flag gets the page.
    Row("fangshan_staff", "mobile", "GET", "/m/merchant/", 403),
    Row("union_a_staff", "mobile", "GET", "/m/merchant/", 403),
    Row("city_admin", "mobile", "GET", "/m/merchant/", 200, visible=("商户服务",)),
]
