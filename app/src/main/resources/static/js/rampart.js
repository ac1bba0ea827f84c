// Rampart's only script of its own (the Content-Security-Policy allows no inline script, so pages carry no handlers).
// A form with data-confirm asks before it is sent (destructive actions); the text comes from an attribute, so names in
// it are data, never code. Runs in the capture phase, before htmx sees the form.
document.addEventListener('submit', function (event) {
  var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// The project switcher opens the chosen project's assets as soon as a project is picked (in the capture phase, before
// htmx would send the form).
document.addEventListener('submit', function (event) {
  if (event.target.id === 'project-switch') {
    event.preventDefault();
    event.stopPropagation();
    location.href = '/projects/' + encodeURIComponent(event.target.project.value) + '/assets';
  }
}, true);
document.addEventListener('change', function (event) {
  if (event.target.id === 'project-switcher') {
    event.target.form.requestSubmit();
  }
});
