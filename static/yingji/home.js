/* 工作台: enterprises per county (bar chart); data from the page's json_script. */
(function () {
  'use strict';
  var data = document.getElementById('county-data');
  var el = document.getElementById('county-chart');
  if (!data || !el || !window.echarts) { return; }
  var rows = JSON.parse(data.textContent || '[]');
  if (!rows.length) { el.style.display = 'none'; return; }
  var chart = echarts.init(el);
  chart.setOption({
    grid: {left: 70, right: 20, top: 10, bottom: 30},
    xAxis: {type: 'value', minInterval: 1},
    yAxis: {type: 'category', data: rows.map(function (r) { return r.name; }), inverse: true},
    series: [{type: 'bar', data: rows.map(function (r) { return r.count; }), itemStyle: {color: '#0b3d6e'},
      label: {show: true, position: 'right'}}],
    tooltip: {formatter: function (p) { return window.yj.tooltip(p.name + ':' + p.value); }}
  });
}());
