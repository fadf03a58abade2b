from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision of the units' disclosure work by their superiors: 党员评议, 党务公开监督员 and 直通车,
    监督检查 and 通报, 量化考核, and the 年度报告 that sums them up."""

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

        from .inspections_admin import InspectionPermissionPolicy
        from .models import Inspection

        register_permission_policy(Inspection, InspectionPermissionPolicy(Inspection), exact_class=True)

        from .assessment_admin import AssessmentSchemePermissionPolicy
        from .models_assessment import AssessmentScheme

        register_permission_policy(
            AssessmentScheme, AssessmentSchemePermissionPolicy(AssessmentScheme), exact_class=True
        )

        from disclosure_pages.models import DisclosureItemPage
        from disclosure_pages.signals import demo_loaded

        from . import hotline_demo
        from .hotline_admin import MonitorPermissionPolicy, OpinionPermissionPolicy
        from .models import DisclosureMonitor, MonitorOpinion

        register_permission_policy(DisclosureMonitor, MonitorPermissionPolicy(DisclosureMonitor), exact_class=True)
        register_permission_policy(MonitorOpinion, OpinionPermissionPolicy(MonitorOpinion), exact_class=True)

        demo_loaded.connect(hotline_demo.install_demo, sender=DisclosureItemPage, dispatch_uid="supervision.hotline_demo")

        from .inspection_demo import install_demo

        demo_loaded.connect(install_demo, sender=DisclosureItemPage, dispatch_uid="supervision.inspection_demo")

        from .assessment_demo import install_demo

        demo_loaded.connect(install_demo, sender=DisclosureItemPage, dispatch_uid="supervision.assessment_demo")
