// Moves focus to the error summary when a form comes back with errors, so a screen reader announces it and the
// keyboard starts from the list of links to each field. Without JavaScript the summary is still first on the page.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
