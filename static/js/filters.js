// Enhancements of the job search form; without this script it works the same, less tidily.
(function () {
  // On a wide screen the filters sit in a sidebar: open their <details> so that its state
  // matches what the stylesheet shows.
  if (window.matchMedia("(min-width: 60em)").matches) {
    document.querySelectorAll("details.filters").forEach(function (details) {
      details.open = true;
    });
  }

  // Leave empty fields out of the submitted query, so that search addresses stay short to share.
  var form = document.getElementById("job-search");
  if (!form) {
    return;
  }
  function emptyFields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.value === "" && !field.disabled;
    });
  }
  form.addEventListener("submit", function () {
    emptyFields().forEach(function (field) {
      field.disabled = true;
      field.setAttribute("data-emptied", "");
    });
  });
  // Coming back with the Back button restores the page as it was left: enable the fields again.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("[data-emptied]").forEach(function (field) {
      field.disabled = false;
      field.removeAttribute("data-emptied");
    });
  });
})();
