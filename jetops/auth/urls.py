from __future__ import annotations

from django.urls import path

from jetops.auth import views

urlpatterns = [
    path("captcha/<str:uid>", views.CaptchaView.as_view(), name="auth-captcha"),
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("login/otp", views.LoginOTPView.as_view(), name="auth-login-otp"),
    path("logout", views.LogoutView.as_view(), name="auth-logout"),
    path("refresh-token", views.RefreshView.as_view(), name="auth-refresh"),
    path("me", views.MeView.as_view(), name="auth-me"),
    path("change-password", views.ChangePasswordView.as_view(), name="auth-change-password"),
    path("step-up", views.StepUpView.as_view(), name="auth-step-up"),
    path("2fa", views.OTPStateView.as_view(), name="auth-2fa"),
    path("2fa/enrol", views.OTPEnrolView.as_view(), name="auth-2fa-enrol"),
    path("2fa/confirm", views.OTPConfirmView.as_view(), name="auth-2fa-confirm"),
    path("2fa/disable", views.OTPDisableView.as_view(), name="auth-2fa-disable"),
    path("2fa/recovery-codes", views.OTPRecoveryCodesView.as_view(), name="auth-2fa-recovery"),
]
