/* 灾情首报 on a weak connection: every keystroke is kept as a draft on this phone
   (localStorage, per user); the draft comes back when the page is opened again, until it is
   sent. Offline, sending is held back with a message and the draft stays. */
(function () {
  'use strict';
  var form = document.getElementById('quick-form');
  if (!form || !window.localStorage) { return; }
  var key = 'yingji:' + form.getAttribute('data-draft-key');
  var note = document.getElementById('quick-draft-note');
  var fields = form.querySelectorAll('input[name]:not([type=hidden]):not([type=file]), select[name], textarea[name]');
  function say(text) { if (note) { note.textContent = text; note.hidden = !text; } }
  function save() {
    var data = {};
    fields.forEach(function (f) { data[f.name] = f.value; });
    data._saved = new Date().toISOString();
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full: no draft */ }
  }
  var hasServerValues = Array.prototype.some.call(fields, function (f) {
    return f.tagName !== 'SELECT' && f.value !== '';
  });
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { stored = null; }
  if (stored && !hasServerValues) {
    fields.forEach(function (f) { if (stored[f.name] !== undefined) { f.value = stored[f.name]; } });
    var when = new Date(stored._saved);
    say('已恢复本机保存的草稿(' + (when.getMonth() + 1) + '月' + when.getDate() + '日 ' +
        ('0' + when.getHours()).slice(-2) + ':' + ('0' + when.getMinutes()).slice(-2) + '),核对后报送。');
  }
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  form.addEventListener('submit', function (ev) {
    if (navigator.onLine === false) {
      ev.preventDefault();
      save();
      say('当前没有网络,草稿已保存在本机;恢复网络后再点“报送首报”。');
      return;
    }
    localStorage.removeItem(key);
  });
  var clear = document.getElementById('quick-draft-clear');
  if (clear) {
    clear.addEventListener('click', function () {
      localStorage.removeItem(key);
      form.reset();
      say('');
    });
  }
}());
