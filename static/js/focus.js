// After htmx swaps an answer into the page, focus moves to it, as a new page would move it: to the error summary if
// the answer has one, else to what the answer marks with data-focus-here (the next question, a new comment). Without
// this, focus stays on a button that is no longer in the page, which puts it on <body>.
document.addEventListener("htmx:afterSettle", function () {
  var marked = document.querySelector("[data-focus-here]");
  if (!marked) return;
  marked.removeAttribute("data-focus-here");
  var target = marked.querySelector("[data-error-summary]") ||
    (marked.hasAttribute("data-focus-first-field") &&
      marked.querySelector("select, textarea, input:not([type=hidden])")) ||
    marked;
  if (target === marked && !marked.hasAttribute("tabindex")) marked.setAttribute("tabindex", "-1");
  target.focus();
});
