"""Reading a page's forms as a browser would post them back."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would post back from a page's forms, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        # A <template>'s content is not part of the page: browsers post none of its fields.
        self._templates = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "template":
            self._templates += 1
        elif self._templates:
            return
        elif tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.data.setdefault(name, []).append(attrs.get("value") or "")
            elif "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value") or "on")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # Browsers drop the newline that follows <textarea>.
            text = self.data[self._textarea][0] + data
            self.data[self._textarea][0] = text.removeprefix("\n")
