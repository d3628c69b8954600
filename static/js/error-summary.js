// The error summary at the top of a form (templates/careerboard/_error_summary.html): focused
// when the page opens; each of its links moves the focus to the field it names and shows the
// field's label above it, where a plain link would only scroll the field to the top edge.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  if (document.activeElement !== summary) {
    summary.focus();
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    // A group of choices, or a skill picker, is named by its legend; a single field by its label.
    var fieldset = field.closest("fieldset");
    var grouped = field.type === "radio" || field.type === "checkbox" ||
      field.closest("[data-skill-picker]");
    var label = document.querySelector("label[for='" + field.id + "']");
    var heading = grouped && fieldset ? fieldset.querySelector("legend") : label;
    (heading || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
