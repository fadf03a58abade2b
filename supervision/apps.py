from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision of the units' disclosure work by their superiors: 党员评议 (members rate their
    unit's disclosure work in a period the superior opens); later also 监督员, inspections and 考核."""

    name = "supervision"
    verbose_name = "监督与评议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from .admin_views import EvaluationPeriodPermissionPolicy
        from .models import EvaluationPeriod

        register_permission_policy(
            EvaluationPeriod, EvaluationPeriodPermissionPolicy(EvaluationPeriod), exact_class=True
        )

        from .assessment_admin import AssessmentSchemePermissionPolicy
        from .models_assessment import AssessmentScheme

        register_permission_policy(
            AssessmentScheme, AssessmentSchemePermissionPolicy(AssessmentScheme), exact_class=True
        )

        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded

        from .assessment_demo import install_demo

        demo_loaded.connect(install_demo, sender=DisclosureItemPage, dispatch_uid="supervision.assessment_demo")
