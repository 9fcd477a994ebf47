/* 指挥一张图: the bundled county boundaries (geo app) on a dark ground, every layer the modules
   declare (#command-layer-list, already filtered by the user's rules; each URL restricts its
   rows) drawn through yj.layers like the 安全生产风险图, toggled here with their counts. The map
   redraws every data-refresh seconds; the side panels refresh themselves (htmx). */
(function () {
  'use strict';
  var root = document.getElementById('command');
  var el = document.getElementById('command-map');
  if (!root || !el || !window.echarts) { return; }
  var L = window.yj.layers;
  var chart = echarts.init(el, null, {renderer: 'canvas'});
  var form = document.getElementById('command-filters');
  var layers = JSON.parse(document.getElementById('command-layer-list').textContent);
  var refresh = parseInt(root.getAttribute('data-refresh'), 10) || 30;
  var outlines = null, results = {}, shownDistrict = null;

  function query() {
    var params = new URLSearchParams();
    ['district', 'hours'].forEach(function (k) {
      var v = form.elements[k].value;
      if (v) { params.set(k, v); }
    });
    return params.toString();
  }

  function bounds(features) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    function walk(c) {
      if (typeof c[0] === 'number') {
        b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
        b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
      } else { c.forEach(walk); }
    }
    features.forEach(function (f) { walk(f.geometry.coordinates); });
    return b;
  }

  // the view for the chosen county (centre and zoom fitting it), or the whole city
  function view(code) {
    var whole = bounds(outlines.features);
    var own = outlines.features.filter(function (f) { return f.properties.code === code; });
    if (!own.length) {
      return {center: [(whole[0] + whole[2]) / 2, (whole[1] + whole[3]) / 2], zoom: 1.15};
    }
    var f = bounds(own);
    var zoom = 0.8 * Math.min((whole[2] - whole[0]) / (f[2] - f[0]), (whole[3] - whole[1]) / (f[3] - f[1]));
    return {center: [(f[0] + f[2]) / 2, (f[1] + f[3]) / 2], zoom: Math.max(1, zoom)};
  }

  function shown(layer) {
    var box = document.getElementById('layer-' + layer.key);
    return box && box.checked;
  }

  function render() {
    var district = form.elements.district.value;
    var geo = {map: 'lanzhou-command', roam: true, nameProperty: 'name', selectedMode: false,
      label: {show: true, color: '#cfe6ff', fontSize: 13, fontWeight: 'bold', textBorderColor: '#06101f', textBorderWidth: 3},
      itemStyle: {areaColor: '#0f2748', borderColor: '#3b8fd9', borderWidth: 1.2,
        shadowColor: 'rgba(40, 140, 255, 0.35)', shadowBlur: 8},
      emphasis: {label: {color: '#ffffff'}, itemStyle: {areaColor: '#1b4778'}},
      regions: district ? [{name: (outlines.features.filter(function (f) {
        return f.properties.code === district; })[0] || {properties: {}}).properties.name,
        itemStyle: {areaColor: '#17406e', borderColor: '#7cc4ff', borderWidth: 2}}] : []};
    if (shownDistrict !== district) {  // keep the user's pan and zoom across refreshes
      Object.assign(geo, view(district));
      shownDistrict = district;
    }
    chart.setOption({
      backgroundColor: 'transparent',
      tooltip: {trigger: 'item', backgroundColor: 'rgba(8, 22, 40, 0.92)', borderColor: '#3b8fd9',
        textStyle: {color: '#e6f0ff'}, formatter: function (p) {
          if (p.seriesType === 'scatter' || p.seriesType === 'effectScatter') { return L.tooltip(p); }
          return window.yj.esc(p.name);
        }},
      geo: geo,
      series: layers.filter(function (layer) { return results[layer.key] && shown(layer); })
        .map(function (layer, i, all) {
          // the events on top of every other layer, rippling as a command room shows them
          var extra = {zlevel: 2 + i};
          if (layer.key === 'events') {
            Object.assign(extra, {zlevel: 3 + all.length, type: 'effectScatter',
              rippleEffect: {brushType: 'stroke', scale: 3.5}});
          }
          return L.series('layer:' + layer.key, results[layer.key], extra);
        })
    }, {replaceMerge: ['series']});
  }

  function count(layer, collection) {
    var badge = document.getElementById('count-' + layer.key);
    if (badge) { badge.textContent = collection ? collection.features.length : '—'; }
    var swatch = document.querySelector('[data-swatch="' + layer.key + '"]');
    var first = collection && collection.features[0];
    if (swatch && first && first.properties.style) {
      swatch.style.background = first.properties.style.color || '#888';
    }
  }

  function stamp() {
    var now = new Date();
    document.getElementById('command-updated').textContent =
      '更新于 ' + now.toLocaleTimeString('zh-CN', {hour12: false});
  }

  function draw() {
    var q = query();
    return Promise.all(layers.map(function (layer) {
      return L.getJSON(L.url(layer.url, q)).then(function (fc) { results[layer.key] = fc; count(layer, fc); },
        function () { results[layer.key] = null; count(layer, null); });
    })).then(function () {
      render();
      stamp();
      el.setAttribute('data-loaded', layers.filter(function (l) { return results[l.key]; }).length);
    });
  }

  L.getJSON(el.getAttribute('data-boundaries')).then(function (geojson) {
    outlines = geojson;
    echarts.registerMap('lanzhou-command', geojson);
    return draw();
  }).catch(function (err) {
    document.getElementById('command-updated').textContent = '地图数据加载失败:' + err.message;
  });

  chart.on('click', function (p) {
    if (p.seriesType === 'scatter' || p.seriesType === 'effectScatter') { L.open(p); return; }
    if (p.componentType === 'geo') {  // a county: filter the map and the panels to it
      var code = (outlines.features.filter(function (f) { return f.properties.name === p.name; })[0] || {properties: {}}).properties.code;
      var select = form.elements.district;
      if (code && select.querySelector('option[value="' + code + '"]')) {
        select.value = code;
        select.dispatchEvent(new Event('change', {bubbles: true}));
      }
    }
  });
  form.addEventListener('change', function () {
    var q = query();
    window.history.replaceState(null, '', window.location.pathname + (q ? '?' + q : ''));
    if (outlines) { draw(); }
  });
  document.getElementById('command-layers').addEventListener('change', function () {
    if (outlines) { render(); }
  });
  document.getElementById('command-fullscreen').addEventListener('click', function () {
    if (document.fullscreenElement) { document.exitFullscreen(); } else if (root.requestFullscreen) { root.requestFullscreen(); }
  });
  document.addEventListener('fullscreenchange', function () { chart.resize(); });
  window.addEventListener('resize', function () { chart.resize(); });
  function tick() {
    document.getElementById('command-clock').textContent =
      new Date().toLocaleString('zh-CN', {hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'});
  }
  tick();
  setInterval(tick, 1000);
  setInterval(function () { if (outlines) { draw(); } }, refresh * 1000);
  window.yjCommandMap = {chart: chart, redraw: draw};
}());
