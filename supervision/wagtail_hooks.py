from wagtail import hooks

from .admin_views import evaluation_period_viewset


@hooks.register("register_admin_viewset")
def register_evaluation_period_viewset():
    return evaluation_period_viewset


@hooks.register("register_admin_viewset")
def register_assessment_viewset():
    from .assessment_admin import assessment_scheme_viewset

    return assessment_scheme_viewset
