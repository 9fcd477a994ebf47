/* 安全生产风险图: districts shaded by the risk index, enterprises as points in their risk colour,
   major hazard sources as diamonds. All layers come from /api/v1/risk/map/* (GeoJSON, filtered by
   the user's permissions); the boundaries are bundled with the platform (no tile server). Other
   apps' layers (open hazards, inspections) are drawn from the URLs listed in #extra-layers. */
(function () {
  'use strict';
  var el = document.getElementById('risk-map');
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var form = document.getElementById('map-filters');
  var hazardsBox = document.getElementById('f-hazards');
  var registered = false;
  // layers other apps add (hazards, inspections…): [{key, label, url}], see risk.views
  var layersEl = document.getElementById('extra-layers');
  var extraLayers = layersEl ? JSON.parse(layersEl.textContent) : [];

  function query() {
    var params = new URLSearchParams();
    ['sector', 'colour', 'tier', 'district'].forEach(function (k) {
      var v = form.elements[k].value;
      if (v) { params.set(k, v); }
    });
    return params.toString();
  }

  var getJSON = window.yj.layers.getJSON;

  var focusEl = document.getElementById('map-focus');
  var focus = focusEl ? JSON.parse(focusEl.textContent) : null;  // the user's district, or null
  var focused = false;

  // every district and zone is a row (those without an outline too), so every enterprise counts
  function districtName(p) {
    if (p.approximate) { return p.name + '(示意范围)'; }
    if (p.functional_zone && !p.label_point) { return p.name + '(无边界)'; }
    return p.name;
  }

  function fillTable(districts) {
    var body = document.querySelector('#district-table tbody');
    body.innerHTML = '';
    districts.features.forEach(function (f) {
      var p = f.properties, c = p.counts, tr = document.createElement('tr');
      tr.setAttribute('data-code', p.code);
      [districtName(p), c.red, c.orange, c.yellow, c.blue, c.none, c.total, p.index].forEach(function (v) {
        var td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
      });
      if (p.note) { tr.title = p.note; }
      body.appendChild(tr);
    });
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

  // open on the user's district: centre on its bounds, zoomed to fit them (with a margin)
  function focusView(all) {
    if (!focus || focused) { return null; }
    focused = true;
    var whole = bounds(all), f = focus.bounds;
    var zoom = 0.85 * Math.min((whole[2] - whole[0]) / (f[2] - f[0]), (whole[3] - whole[1]) / (f[3] - f[1]));
    return {center: [(f[0] + f[2]) / 2, (f[1] + f[3]) / 2], zoom: Math.max(1, zoom)};
  }

  function fillList(ents) {
    var list = document.getElementById('map-list');
    list.innerHTML = '';
    ents.features.forEach(function (f) {
      var p = f.properties, li = document.createElement('li'), a = document.createElement('a'),
        badge = document.createElement('span');
      li.className = 'list-group-item d-flex justify-content-between align-items-center';
      a.href = '#'; a.textContent = p.name; a.setAttribute('data-enterprise', p.id);
      a.addEventListener('click', function (e) { e.preventDefault(); openCard(p.id); });
      badge.className = 'badge ' + (p.colour ? 'yj-level-' + p.colour : 'text-bg-light border');
      badge.textContent = p.colour_label + (p.major_hazard_grade ? ' · ' + p.major_hazard_grade + '重大危险源' : '');
      li.appendChild(a); li.appendChild(badge); list.appendChild(li);
    });
  }

  function openCard(id) {
    fetch('/risk/enterprises/' + id + '/card/', {credentials: 'same-origin'})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var area = document.getElementById('card-area');
        area.innerHTML = html;
        if (window.htmx) { window.htmx.process(area); }
      });
  }

  function draw() {
    var q = query();
    Promise.all([
      getJSON('/api/v1/risk/map/districts?' + q),
      getJSON('/api/v1/risk/map/enterprises?' + q),
      hazardsBox.checked ? getJSON('/api/v1/risk/map/hazards?' + q) : Promise.resolve({features: []})
    ].concat(extraLayers.map(function (layer) {
      var box = document.getElementById('f-layer-' + layer.key);
      return box && box.checked ? getJSON(window.yj.layers.url(layer.url, q))
        : Promise.resolve({features: []});
    }))).then(function (res) {
      var districts = res[0], ents = res[1], hazards = res[2];
      var extraSeries = extraLayers.map(function (layer, i) {
        return window.yj.layers.series('layer:' + layer.key, res[3 + i]);
      });
      var outlined = districts.features.filter(function (f) { return f.geometry; });
      if (!registered) {
        echarts.registerMap('lanzhou-risk', {type: 'FeatureCollection', features: outlined});
        registered = true;
      }
      var view = focusView(outlined);
      fillTable(districts);
      fillList(ents);
      var maxIndex = Math.max(1, Math.max.apply(null, districts.features.map(function (f) { return f.properties.index; })));
      document.getElementById('map-count').textContent = '企业 ' + ents.features.length + ' 家,重大危险源 ' + hazards.features.length + ' 个';
      chart.setOption({
        // every text goes through yj.tooltip (escaped once, there): names and labels are user-written
        tooltip: {trigger: 'item', formatter: function (p) {
          var tip = window.yj.tooltip;
          if (p.seriesType === 'map') {
            var dp = (districts.features.filter(function (f) { return f.properties.name === p.name; })[0] || {}).properties || {};
            return dp.note ? tip(p.name, '区域风险指数:' + (p.value || 0), dp.note) : tip(p.name, '区域风险指数:' + (p.value || 0));
          }
          var d = p.data.props;
          if (p.seriesName === 'hazards') { return tip('重大危险源:' + d.enterprise_name + ' · ' + d.name, d.grade + ',R=' + d.R); }
          if (p.seriesName.indexOf('layer:') === 0) { return window.yj.layers.tooltip(p); }
          return tip(d.name, d.region_name + ' · ' + d.sector_label + ' · ' + d.tier_label, '风险等级:' + d.colour_label);
        }},
        visualMap: {min: 0, max: maxIndex, seriesIndex: 0, left: 10, bottom: 10, text: ['风险指数高', '低'],
          inRange: {color: ['#f4f7fb', '#f7d9a8', '#ef8a62', '#c8352b']}, calculable: true},
        // names are drawn by the 'labels' series (hideOverlap: the small central districts do
        // not write over each other); an approximate outline is dashed
        geo: Object.assign({map: 'lanzhou-risk', roam: true, nameProperty: 'name', label: {show: false},
          itemStyle: {borderColor: '#0b3d6e'}, emphasis: {label: {show: false}},
          regions: outlined.filter(function (f) { return f.properties.approximate; }).map(function (f) {
            return {name: f.properties.name, itemStyle: {borderType: 'dashed', borderColor: '#0b3d6e', borderWidth: 1.5}};
          })}, view || {}),
        series: [
          {name: 'districts', type: 'map', geoIndex: 0,
            data: districts.features.map(function (f) { return {name: f.properties.name, value: f.properties.index}; })},
          {name: 'labels', type: 'scatter', coordinateSystem: 'geo', symbolSize: 0, silent: true, zlevel: 5,
            tooltip: {show: false}, labelLayout: {hideOverlap: true},
            label: {show: true, formatter: '{b}', fontSize: 11, color: '#0b3d6e', textBorderColor: '#fff', textBorderWidth: 2},
            data: outlined.filter(function (f) { return f.properties.label_point; }).map(function (f) {
              var p = f.properties;
              return {name: p.approximate ? p.name + '(示意)' : p.name, value: p.label_point};
            })},
          {name: 'enterprises', type: 'scatter', coordinateSystem: 'geo', symbol: 'circle', symbolSize: 9, zlevel: 2,
            data: ents.features.map(function (f) {
              return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
                itemStyle: {color: f.properties.colour_hex, borderColor: '#fff', borderWidth: 1}};
            })},
          {name: 'hazards', type: 'scatter', coordinateSystem: 'geo', symbol: 'diamond', symbolSize: 15, zlevel: 3,
            data: hazards.features.map(function (f) {
              return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
                itemStyle: {color: 'rgba(0,0,0,0)', borderColor: '#6a0dad', borderWidth: 2}};
            })}
        ].concat(extraSeries)
      }, {replaceMerge: ['series']});
      el.setAttribute('data-loaded', String(ents.features.length));
    }).catch(function (err) {
      document.getElementById('map-count').textContent = '地图数据加载失败:' + err.message;
    });
  }

  chart.on('click', function (p) {
    if (!p.data || !p.data.props) { return; }
    if (p.seriesName === 'enterprises') { openCard(p.data.props.id); }
    if (p.seriesName === 'hazards') { openCard(p.data.props.enterprise_id); }
    if (p.seriesName.indexOf('layer:') === 0) { window.yj.layers.open(p); }
  });
  form.addEventListener('change', draw);
  window.addEventListener('resize', function () { chart.resize(); });
  window.yjRiskMap = {chart: chart, openCard: openCard, redraw: draw};
  draw();
}());
