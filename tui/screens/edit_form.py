"""The node form: every field of a node (or an account) with its notes, in a modal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from plan.errors import ValidationError
from plan.fields import FIELDS, FieldSpec, format_value
from tui.screens.base import HandsOnCallbacks
from tui.screens.dialogs import Confirm

PLACEHOLDERS = {"date": "YYYY-MM-DD", "number": "a number, e.g. 1500000", "years": "e.g. 5"}


class ChoiceField(Select[str]):
    """A choice in the form: Enter saves the form, as in every other field; space or an arrow
    opens the list."""

    BINDINGS = [
        Binding("enter", "screen.save", "Save", show=False),
        Binding("down,space,up", "show_overlay", "Show menu", show=False),
    ]


class EditForm(HandsOnCallbacks, ModalScreen[dict[str, Any] | None]):
    """Edit fields: Tab moves between them, Enter in a field saves, Escape cancels (asking
    first if anything was typed).

    `check` is called with the typed values before the form closes; a ValidationError it
    raises is shown in the form, which stays open so nothing typed is lost.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f2", "save", "Save", id="form.save"),
    ]

    def __init__(
        self,
        title: str,
        kind: str,
        values: Mapping[str, Any],
        check: Callable[[dict[str, Any]], None],
        focus: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.specs: tuple[FieldSpec, ...] = FIELDS[kind]
        self.values = values
        self.check = check
        self.focus_field = focus
        self.opened_with: dict[str, Any] = {}  # the typed values as the form opened

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(Text(self.title_text, style="bold"))
            # At the top, so a refusal is seen even when the form scrolls at 80x24.
            yield Label("", id="form-error")
            for spec in self.specs:
                yield Label(Text(spec.label), classes="field-label")
                value = self.values.get(spec.name)
                if spec.type == "text":
                    yield TextArea(value or "", id=f"f-{spec.name}", soft_wrap=True)
                elif spec.type == "choice":
                    yield ChoiceField(
                        [(choice, choice) for choice in spec.choices],
                        value=value if value else Select.NULL,
                        allow_blank=not spec.required,
                        id=f"f-{spec.name}",
                    )
                else:
                    yield Input(
                        format_value(spec, value),
                        placeholder=PLACEHOLDERS.get(spec.type, ""),
                        id=f"f-{spec.name}",
                        # Typed-ahead keys must edit what is there, not a selection that
                        # lands between them; ctrl+u clears a field.
                        select_on_focus=False,
                    )
            with Horizontal(classes="buttons"):
                yield Button("Save (Enter)", id="save", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        name = self.focus_field or self.specs[0].name
        self.query_one(f"#f-{name}").focus()
        self.opened_with = self.typed_values()

    def typed_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, TextArea):
                values[spec.name] = widget.text
            elif isinstance(widget, Select):
                values[spec.name] = None if widget.value is Select.NULL else widget.value
            else:
                values[spec.name] = widget.value  # type: ignore[attr-defined]
        return values

    def action_save(self) -> None:
        values = self.typed_values()
        try:
            self.check(values)
        except ValidationError as error:
            self.query_one("#form-error", Label).update(Text(f"✗ {error}", style="bold red"))
            self.query_one(VerticalScroll).scroll_home(animate=False)
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        if self.typed_values() == self.opened_with:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            Confirm("Discard what you typed in this form?", yes="Discard", no="Keep editing"),
            answered,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
