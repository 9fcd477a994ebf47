/* 事故案例分析: one ECharts chart per .yj-case-chart from #case-charts (json_script; no inline
   script, CSP). Category names come from the cases (county names, labels): every tooltip text
   goes through yj.tooltip (the one escape helper). */
(function () {
  'use strict';
  var dataEl = document.getElementById('case-charts');
  if (!dataEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  document.querySelectorAll('.yj-case-chart').forEach(function (el) {
    var key = el.getAttribute('data-key');
    var rows = data[key] || [];
    var names = rows.map(function (r) { return r.name; });
    var counts = rows.map(function (r) { return r.count; });
    var line = key === 'by_month';
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: {left: 40, right: 16, top: 16, bottom: 40, containLabel: true},
      tooltip: {
        trigger: 'axis',
        formatter: function (items) {
          var r = rows[items[0].dataIndex];
          var parts = [r.name, '起数:' + r.count];
          if (r.deaths !== null && r.deaths !== undefined) { parts.push('死亡:' + r.deaths + ' 人'); }
          return window.yj.tooltip.apply(null, parts);
        }
      },
      xAxis: {type: 'category', data: names, axisLabel: {interval: 0, rotate: names.length > 5 ? 35 : 0}},
      yAxis: {type: 'value', minInterval: 1},
      series: [{name: '起数', type: line ? 'line' : 'bar', data: counts}]
    });
    el.setAttribute('data-loaded', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  });
}());
