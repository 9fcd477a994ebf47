/* 监测站点: one ECharts time series per element, from /api/v1/monitoring/stations/{code}/series.
   The chart list comes from #station-charts (json_script); no inline script (CSP). Text in
   tooltips goes through yj.esc / yj.tooltip. */
(function () {
  'use strict';
  var dataEl = document.getElementById('station-charts');
  if (!dataEl || !window.echarts) { return; }
  var charts = JSON.parse(dataEl.textContent);
  document.querySelectorAll('.yj-series').forEach(function (el) {
    var spec = charts[Number(el.getAttribute('data-index'))];
    if (!spec) { return; }
    var chart = echarts.init(el);
    fetch(spec.url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) { throw new Error(spec.url + ' ' + r.status); } return r.json(); })
      .then(function (data) {
        var points = data.points.map(function (p) { return [p.time, p.value]; });
        chart.setOption({
          animation: false,
          grid: {left: 50, right: 16, top: 16, bottom: 40},
          tooltip: {
            trigger: 'axis',
            formatter: function (items) {
              var p = items[0];
              return window.yj.tooltip(new Date(p.value[0]).toLocaleString('zh-CN'),
                spec.name + ':' + p.value[1] + ' ' + data.unit);
            }
          },
          xAxis: {type: 'time'},
          yAxis: {type: 'value', name: data.unit},
          series: [{type: spec.element === 'rain' ? 'bar' : 'line', data: points, showSymbol: false}]
        });
        if (!points.length) {
          chart.setOption({title: {text: '暂无数据', left: 'center', top: 'middle', textStyle: {fontSize: 13, color: '#888'}}});
        }
        el.setAttribute('data-loaded', String(points.length));
      })
      .catch(function () { el.textContent = '数据加载失败'; });
  });
}());
