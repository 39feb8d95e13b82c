"""Test helper: log a test client in the way a real login ends, second factor included.

`client.force_login()` skips the login form, so an administrator's session would not be verified
(dangjian.accounts.middleware sends it to the TOTP setup page). `login_verified()` gives the
account a confirmed TOTP device and marks the session verified, as the second login step does.
"""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login_verified(client: Any, user: Any) -> Any:
    client.force_login(user)
    if user.is_admin_role:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
