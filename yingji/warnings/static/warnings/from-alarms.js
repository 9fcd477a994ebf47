// 从监测告警起草: the ticked alarms go to the draft form as one "alarms=1,2,3" parameter.
(function () {
  var form = document.getElementById("alarms-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var ids = [];
    form.querySelectorAll("input[name=alarm]:checked").forEach(function (box) { ids.push(box.value); });
    document.getElementById("f-alarms").value = ids.join(",");
    form.querySelectorAll("input[name=alarm]").forEach(function (box) { box.disabled = true; });
  });
})();
