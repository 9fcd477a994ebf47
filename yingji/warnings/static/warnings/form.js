// 起草预警: choosing an event type fills 防御指南 from its template when the field is empty or
// still holds another type's template (a text the user edited is kept).
(function () {
  var data = document.getElementById("warning-guides");
  var select = document.getElementById("f-event_type");
  var field = document.getElementById("f-instruction");
  if (!data || !select || !field) return;
  var guides = JSON.parse(data.textContent);
  var templates = Object.keys(guides).map(function (k) { return guides[k]; });
  function fill() {
    var current = field.value.trim();
    if (current === "" || templates.indexOf(current) !== -1) {
      field.value = guides[select.value] || "";
    }
  }
  select.addEventListener("change", fill);
  if (field.value.trim() === "") fill();
})();
