from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import Synonym


class SynonymViewSet(SnippetViewSet):
    """Synonyms and abbreviations, applied by both search backends at query time
    (an edit needs no re-indexing)."""

    model = Synonym
    icon = "search"
    menu_label = "检索同义词"
    menu_order = 380
    add_to_admin_menu = False  # listed under 片段 (snippets)
    list_display = ["__str__", "note", "enabled", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["terms", "note"]
    search_backend_name = None  # plain database filtering: the admin search index is not involved
    panels = [FieldPanel("terms"), FieldPanel("note"), FieldPanel("enabled")]


register_snippet(SynonymViewSet)
