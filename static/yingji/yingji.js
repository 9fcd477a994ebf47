/* yingji: the few behaviours every page shares, without inline script (the Content-Security-Policy
   allows scripts from this site only). yj.esc is THE one escape for any text that ends up in HTML
   built by script (chart tooltips, labels): every user-written string goes through it. */
(function () {
  'use strict';
  var ENTITIES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;'};

  function esc(value) {
    if (value === null || value === undefined) { return ''; }
    return String(value).replace(/[&<>"'`]/g, function (c) { return ENTITIES[c]; });
  }

  /* Escaped text whose line breaks (\n) become <br>: for multi-line tooltips. */
  function lines(value) {
    return esc(value).replace(/\r?\n/g, '<br>');
  }

  /* A tooltip from parts: each part is escaped; parts are separated by <br>. */
  function tooltip() {
    return Array.prototype.map.call(arguments, lines).join('<br>');
  }

  window.yj = {esc: esc, lines: lines, tooltip: tooltip};

  document.addEventListener('change', function (e) {
    if (e.target.matches && e.target.matches('[data-autosubmit]') && e.target.form) {
      e.target.form.submit();
    }
  });
  document.addEventListener('click', function (e) {
    var box = e.target.closest && e.target.closest('[data-check-all]');
    if (box) {
      document.querySelectorAll(box.getAttribute('data-check-all')).forEach(function (c) {
        c.checked = box.checked;
      });
    }
  });
}());
