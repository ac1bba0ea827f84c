// Rampart's only script of its own. A form with data-confirm asks before it is sent (destructive actions); the text
// comes from an attribute, so names in it are data, never code. Runs in the capture phase, before htmx sees the form.
document.addEventListener('submit', function (event) {
  var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
