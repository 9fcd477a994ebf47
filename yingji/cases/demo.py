"""Demo accident cases (100: 15 written out, 85 drawn from a table of parts; all invented and marked 演示 — none describes a real accident):
a spread of industries and GB 6441 types across 兰州's districts, recorded through the real
service by the 安全生产综合协调科 persona, dated in the past. Idempotent; fast."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated, moment

from . import services
from .choices import ACCIDENT_TYPE_LABELS
from .models import Case
from .schemas import AccidentCaseIn

MARK = "(演示案例)"
SOURCE = "演示数据:情节系虚构,不对应任何真实事故"

# (days ago, county, industry, type, deaths, serious, loss 万元, title, narrative, 直接原因, lessons,
# tags); the 间接原因 is drawn from INDIRECT by industry
CASES = [
    (
        40,
        "620104",
        "hazchem",
        "fire",
        0,
        1,
        85,
        "某石化储运企业储罐区火灾事故",
        "检修作业期间,储罐区一内浮顶储罐呼吸阀附近起火,企业专职消防队扑救约40分钟后扑灭。",
        "动火作业未办理作业票,未进行可燃气体检测;作业现场无监护人。",
        "严格执行特殊作业票证制度,动火前必须检测分析,落实专人监护。",
        ["动火作业", "储罐"],
    ),
    (
        400,
        "620104",
        "hazchem",
        "fire",
        1,
        0,
        160,
        "某化工助剂企业储罐区火灾事故",
        "储罐区检修过程中,作业人员在未清理的储罐附近动火,引燃泄漏的可燃气体发生火灾。",
        "动火作业未进行可燃气体检测,未办理作业票;安全管理人员未到场监护。",
        "动火作业前必须检测分析并办理作业票,落实监护责任。",
        ["动火作业", "储罐"],
    ),
    (
        150,
        "620104",
        "hazchem",
        "poisoning",
        2,
        1,
        210,
        "某精细化工企业受限空间中毒事故",
        "作业人员进入反应釜清理残渣时晕倒,另一名员工盲目施救,二人均中毒。",
        "未执行“先通风、再检测、后作业”;施救人员未佩戴呼吸器,盲目施救。",
        "受限空间作业必须检测合格;严禁盲目施救,配备正压式空气呼吸器。",
        ["受限空间", "盲目施救"],
    ),
    (
        260,
        "620111",
        "coal",
        "gas_explosion",
        3,
        2,
        620,
        "某煤矿采煤工作面瓦斯爆炸事故",
        "采煤工作面上隅角瓦斯积聚,遇电气设备失爆产生的火花发生爆炸。",
        "通风系统不合理,瓦斯监测探头位置不当;电气设备失爆未及时发现。",
        "强化通风管理和瓦斯监测,严格电气设备防爆检查。",
        ["瓦斯", "通风"],
    ),
    (
        330,
        "620121",
        "non_coal",
        "collapse",
        1,
        0,
        45,
        "某采石场边坡坍塌事故",
        "采石场台阶边坡在雨后发生坍塌,掩埋正在作业的一台挖掘机。",
        "未按设计分台阶开采,形成高陡边坡;雨后未进行边坡安全检查。",
        "按设计自上而下分台阶开采,雨后先检查后作业。",
        ["边坡", "雨季"],
    ),
    (
        90,
        "620102",
        "trade",
        "fire",
        0,
        0,
        32,
        "某商场电气线路火灾事故",
        "夜间商场内一商铺电气线路短路起火,自动喷水灭火系统启动,火势得到控制。",
        "商户私拉乱接电线,使用大功率电器;夜间值守人员巡查不到位。",
        "加强电气线路检查,禁止私拉乱接;落实夜间防火巡查。",
        ["电气火灾", "人员密集场所"],
    ),
    (
        210,
        "620103",
        "machinery",
        "machinery",
        1,
        0,
        60,
        "某机械制造企业冲压机伤害事故",
        "操作工在未停机情况下伸手调整冲压模具,被冲压机压伤致死。",
        "冲压机安全防护装置被拆除;操作工违章作业,企业安全培训不到位。",
        "恢复并定期检查安全防护装置;严禁设备运行时进行调整作业。",
        ["违章作业", "防护装置"],
    ),
    (
        60,
        "620105",
        "construction",
        "fall",
        1,
        0,
        40,
        "某建筑工地高处坠落事故",
        "工人在外脚手架上拆除模板时未系安全带,从12米高处坠落。",
        "高处作业未系安全带,脚手架防护栏杆缺失;现场安全员未制止违章行为。",
        "高处作业必须正确系挂安全带,完善临边防护。",
        ["高处作业", "脚手架"],
    ),
    (
        500,
        "620123",
        "gas",
        "other_explosion",
        1,
        3,
        130,
        "某餐饮店燃气爆炸事故",
        "餐饮店后厨燃气软管老化破裂,泄漏的燃气遇明火发生爆炸。",
        "燃气软管超期使用,未安装燃气泄漏报警装置;燃气企业入户安检不到位。",
        "更换金属软管并安装报警装置,落实燃气入户安检。",
        ["燃气", "餐饮"],
    ),
    (
        480,
        "620102",
        "gas",
        "other_explosion",
        0,
        2,
        70,
        "某小吃店液化气瓶泄漏爆炸事故",
        "小吃店液化石油气钢瓶减压阀连接处泄漏,燃气积聚后遇明火爆炸。",
        "使用不合格减压阀,气瓶与灶具同室存放,未安装泄漏报警装置。",
        "规范气瓶使用和存放,安装燃气泄漏报警装置。",
        ["燃气", "餐饮", "液化气"],
    ),
    (
        120,
        "620121",
        "transport",
        "vehicle",
        2,
        1,
        95,
        "某危险品运输车辆侧翻事故",
        "一辆运输液化气的槽罐车在国道弯道处侧翻,驾驶员和押运员死亡,未发生泄漏。",
        "驾驶员超速行驶,车辆动态监控报警未及时处置。",
        "落实动态监控和报警处置制度,严禁超速。",
        ["危险品运输", "超速"],
    ),
    (
        300,
        "620111",
        "metallurgy",
        "burn",
        0,
        2,
        50,
        "某铁合金企业矿热炉喷料灼烫事故",
        "矿热炉出炉作业时炉内发生喷料,高温物料灼伤两名作业人员。",
        "炉料潮湿导致喷料;作业人员未穿戴隔热防护服。",
        "加强原料水分控制,出炉作业必须穿戴隔热防护用品。",
        ["冶金", "高温熔融"],
    ),
    (
        180,
        "620103",
        "light",
        "electric",
        1,
        0,
        20,
        "某纺织企业员工触电事故",
        "维修工在带电情况下检修配电箱,触电死亡。",
        "未执行停电、验电、挂牌上锁制度;维修工无电工作业证。",
        "严格执行挂牌上锁制度,特种作业人员持证上岗。",
        ["触电", "特种作业"],
    ),
    (
        240,
        "620122",
        "building_materials",
        "lifting",
        1,
        0,
        35,
        "某建材企业起重伤害事故",
        "行车吊运钢模时吊具脱落,砸中下方作业人员。",
        "吊具磨损严重未及时更换;吊运时下方有人作业。",
        "定期检查吊索具,严禁吊物下方站人。",
        ["起重", "吊具"],
    ),
    (
        20,
        "620104",
        "hazchem",
        "poisoning",
        0,
        2,
        15,
        "某化工企业污水池硫化氢中毒事故",
        "两名员工在污水池旁清理格栅时吸入硫化氢气体中毒,经抢救脱险。",
        "未进行有毒气体检测,未佩戴防护用品;污水池未设置警示标志。",
        "有限空间及污水池作业必须检测、通风、佩戴防护用品。",
        ["受限空间", "硫化氢"],
    ),
]

# --- the generated part: ~85 more cases from a table of varied parts --------------------------
# Each scenario: industry, GB 6441 type, the subjects (who), the places (where in the works), the
# courses of events, the causes and the lessons; a case takes one of each (by a seeded draw), a
# county, a date in the last three years and casualties fitting its type. Varied wording, so
# that the search and the similar cases have something to tell apart.
SCENARIOS = [
    (
        "hazchem",
        "fire",
        ["某化工企业", "某油品储运站", "某涂料生产企业"],
        ["储罐区", "装卸站台", "甲类仓库"],
        [
            "装卸作业时静电火花引燃油气,现场人员使用灭火器未能控制,消防救援力量到场后扑灭。",
            "检修动火时焊渣掉入未清理的地沟,引燃残存可燃物形成火灾。",
        ],
        ["未按规定进行静电接地,装卸流速过快。", "动火作业未清理周边可燃物,未办理动火作业票。"],
        ["装卸作业必须静电接地并控制流速。", "动火作业前清理可燃物,严格作业票管理。"],
        ["静电", "动火作业"],
    ),
    (
        "hazchem",
        "poisoning",
        ["某精细化工企业", "某农药中间体企业", "某污水处理企业"],
        ["反应釜", "污水池", "储槽"],
        [
            "作业人员进入设备内部清理时晕倒,同伴进入施救也相继中毒。",
            "管道拆卸时残留硫化氢逸出,两名维修工吸入后中毒。",
        ],
        [
            "有限空间作业未执行先通风、再检测、后作业,施救人员未佩戴呼吸器盲目施救。",
            "管道拆卸前未置换清洗,未佩戴防毒面具。",
        ],
        ["有限空间作业必须检测合格,严禁盲目施救。", "检修前置换清洗并检测,配备防护用品。"],
        ["有限空间", "硫化氢"],
    ),
    (
        "hazchem",
        "other_explosion",
        ["某化工企业", "某危化品仓储企业"],
        ["反应车间", "蒸馏装置"],
        [
            "反应釜温度失控,物料分解引发爆炸,厂房部分坍塌。",
            "蒸馏塔检修后开车,空气未置换干净形成爆炸性混合物发生爆炸。",
        ],
        ["自动化控制系统联锁被摘除,超温未及时处置。", "开车前未进行氮气置换和气体分析。"],
        ["严禁擅自摘除安全联锁,落实工艺报警处置。", "开停车必须置换分析合格。"],
        ["联锁", "工艺安全"],
    ),
    (
        "coal",
        "gas_explosion",
        ["某煤矿"],
        ["综采工作面", "掘进工作面"],
        [
            "局部通风机停止运转后瓦斯积聚,恢复送电时产生火花引起瓦斯爆炸。",
            "盲巷内瓦斯超限,人员违章进入并使用非防爆工具引爆瓦斯。",
        ],
        ["局部通风管理混乱,瓦斯检查员空班漏检。", "盲巷未封闭,瓦斯监测系统报警未处置。"],
        ["严格局部通风管理,停风必须撤人断电。", "及时封闭盲巷,监控报警必须处置。"],
        ["瓦斯", "通风"],
    ),
    (
        "coal",
        "roof_fall",
        ["某煤矿"],
        ["回采巷道", "掘进迎头"],
        ["巷道顶板突然冒落,将正在支护的两名工人埋压。", "片帮煤体垮落砸伤采煤机司机。"],
        ["支护强度不足,空顶距离超过规程要求。", "未及时敲帮问顶,煤壁片帮未采取护帮措施。"],
        ["严格执行支护设计,严禁空顶作业。", "落实敲帮问顶制度。"],
        ["顶板", "支护"],
    ),
    (
        "non_coal",
        "collapse",
        ["某采石场", "某砂石料场", "某石灰石矿"],
        ["采场边坡", "排土场"],
        ["边坡浮石突然滑落坍塌,掩埋坡脚装载机。", "排土场边缘下沉坍塌,一辆自卸车随之滑落。"],
        ["未按设计分台阶开采,形成高陡边坡。", "排土场未设置安全车挡,雨后未巡查。"],
        ["自上而下分台阶开采,定期检查边坡。", "排土场设置车挡,雨后先检查后作业。"],
        ["边坡", "雨季"],
    ),
    (
        "non_coal",
        "blasting",
        ["某金属矿山", "某采石场"],
        ["井下采场", "露天爆破区"],
        ["爆破后人员提前进入工作面,遇迟爆炮伤人。", "爆破警戒范围不足,飞石击中警戒线外人员。"],
        ["未等待规定时间即进入爆破现场,盲炮处理不规范。", "爆破设计警戒距离不足,警戒人员失职。"],
        ["严格执行爆破后等待和检查制度。", "按规程确定警戒范围并落实警戒。"],
        ["爆破", "盲炮"],
    ),
    (
        "construction",
        "fall",
        ["某房建项目", "某市政工程", "某厂房改造工程"],
        ["外脚手架", "屋面", "电梯井"],
        ["作业人员在临边作业时失足坠落。", "工人在电梯井口附近搬运材料时从井口坠落。"],
        ["临边洞口防护缺失,作业人员未系安全带。", "电梯井口防护门被拆除未恢复。"],
        ["临边洞口必须设置防护,高处作业系挂安全带。", "洞口防护拆除必须审批并及时恢复。"],
        ["高处作业", "临边防护"],
    ),
    (
        "construction",
        "collapse",
        ["某市政管网工程", "某房建项目"],
        ["沟槽", "基坑", "模板支撑"],
        ["沟槽开挖后未支护,槽壁坍塌掩埋作业人员。", "浇筑混凝土时高支模支撑体系坍塌。"],
        ["未按方案放坡或支护,槽边堆土过近。", "高支模专项方案未论证,立杆间距超标。"],
        ["深基坑和沟槽必须按方案支护。", "危大工程专项方案必须论证并验收。"],
        ["基坑", "危大工程"],
    ),
    (
        "construction",
        "lifting",
        ["某房建项目", "某装配式建筑工地"],
        ["塔吊作业区", "构件堆场"],
        ["塔吊吊运钢筋时钢丝绳断裂,吊物坠落砸中下方工人。", "汽车吊支腿下陷倾覆,吊臂砸中工棚。"],
        ["钢丝绳严重磨损未更换,吊物下方站人。", "支腿未垫设枕木,地基承载力不足。"],
        ["定期检查吊索具,严禁吊物下方站人。", "吊装前核查地基并规范支腿。"],
        ["起重", "吊装"],
    ),
    (
        "gas",
        "other_explosion",
        ["某餐饮店", "某居民楼", "某小吃店"],
        ["后厨", "厨房", "储气间"],
        ["燃气软管脱落泄漏,遇开关电器火花发生爆炸。", "液化石油气钢瓶角阀泄漏,燃气积聚后爆燃。"],
        ["使用橡胶软管且超期使用,未安装燃气泄漏报警器。", "钢瓶与灶具同室存放,使用不合格减压阀。"],
        ["使用金属波纹管并安装报警切断装置。", "规范气瓶存放,落实入户安检。"],
        ["燃气", "餐饮"],
    ),
    (
        "trade",
        "fire",
        ["某商场", "某宾馆", "某仓储超市"],
        ["商铺", "客房楼层", "库房"],
        ["夜间电气线路短路起火,烟气蔓延至疏散通道。", "库房内电动自行车充电时起火引燃货物。"],
        ["私拉乱接电线,夜间巡查不到位。", "在库房内违规为电动自行车充电,消防设施损坏未维修。"],
        ["落实防火巡查,规范电气线路。", "严禁室内违规充电,保持消防设施完好。"],
        ["电气火灾", "人员密集场所"],
    ),
    (
        "machinery",
        "machinery",
        ["某机械加工企业", "某汽车配件企业", "某农机制造企业"],
        ["冲压车间", "机加工车间"],
        ["操作工清理设备时衣袖被旋转部件卷入。", "冲床双手按钮被短接,操作工单手送料被压伤。"],
        ["设备未停机即清理,防护罩缺失。", "安全防护装置被人为短接,企业未及时发现。"],
        ["清理维修必须停机挂牌,恢复防护装置。", "严禁短接安全装置,加强设备检查。"],
        ["防护装置", "违章作业"],
    ),
    (
        "metallurgy",
        "burn",
        ["某铁合金企业", "某铝业企业", "某铸造企业"],
        ["矿热炉", "电解车间", "浇铸区"],
        ["出炉时高温熔融物喷溅,灼伤现场作业人员。", "铝液包倾翻,铝液遇水发生喷溅。"],
        ["炉料潮湿,作业人员未穿隔热服。", "浇铸区地面积水,吊运铝液包时未检查。"],
        ["控制炉料水分,穿戴隔热防护用品。", "熔融金属作业区严禁积水。"],
        ["高温熔融", "冶金"],
    ),
    (
        "metallurgy",
        "poisoning",
        ["某钢铁企业", "某铁合金企业"],
        ["煤气管道", "除尘器"],
        ["检修煤气管道时煤气泄漏,作业人员一氧化碳中毒。", "进入除尘器检修时因缺氧窒息。"],
        ["煤气管道未可靠切断,未佩戴空气呼吸器。", "有限空间未通风检测即进入。"],
        ["煤气区域作业必须可靠切断并检测。", "有限空间先通风、再检测、后作业。"],
        ["煤气", "有限空间"],
    ),
    (
        "transport",
        "vehicle",
        ["某运输公司", "某物流企业"],
        ["国道弯道", "高速公路服务区", "城区路口"],
        ["重型货车下坡时制动失效,与前车追尾。", "危险品运输车辆疲劳驾驶,驶出路外侧翻。"],
        ["车辆制动系统未按期维护,驾驶员超速。", "驾驶员连续驾驶超过4小时,动态监控报警未处置。"],
        ["落实车辆维护和出车前检查。", "落实动态监控和疲劳驾驶报警处置。"],
        ["道路运输", "超速"],
    ),
    (
        "light",
        "electric",
        ["某纺织企业", "某食品加工企业", "某印刷企业"],
        ["配电室", "生产车间"],
        ["电工带电检修配电柜时触电。", "员工冲洗地面时接触漏电设备外壳触电。"],
        ["未执行停电验电挂牌上锁,无证作业。", "设备未接地,未安装漏电保护器。"],
        ["严格执行挂牌上锁,特种作业持证上岗。", "设备可靠接地并安装漏电保护。"],
        ["触电", "特种作业"],
    ),
    (
        "building_materials",
        "machinery",
        ["某水泥企业", "某商砼企业"],
        ["皮带输送机", "搅拌站"],
        ["巡检工清理皮带机托辊积料时被卷入。", "维修工进入搅拌机内清理时设备被误启动。"],
        ["皮带机运行中清料,急停拉绳失效。", "未断电挂牌,无人监护。"],
        ["严禁运行中清料,保持急停装置有效。", "进入设备内部必须断电挂牌并专人监护。"],
        ["皮带机", "挂牌上锁"],
    ),
    (
        "fireworks",
        "explosive",
        ["某烟花爆竹批发企业", "某烟花爆竹零售点"],
        ["中转库", "零售店"],
        ["搬运过程中产品跌落撞击引发燃爆。", "零售店内吸烟引燃烟花爆竹发生爆炸。"],
        ["违规超量储存,搬运野蛮装卸。", "店内违规吸烟,超量存放。"],
        ["严格限量储存,文明装卸。", "零售点严禁烟火,限量存放。"],
        ["烟花爆竹", "超量储存"],
    ),
]
# 间接原因 (management failures behind the direct cause), by industry: a case takes one by a
# seeded draw; invented for the demo like the rest
INDIRECT = {
    "hazchem": [
        "企业安全生产主体责任不落实,特殊作业管理制度执行不严;安全培训流于形式,作业人员风险辨识能力不足。",
        "企业隐患排查治理不到位,对承包商作业管理缺失;属地监管部门执法检查不力。",
    ],
    "coal": [
        "煤矿安全管理混乱,安全生产责任制不落实;瓦斯和顶板隐患排查治理不到位。",
        "矿井技术管理薄弱,作业规程审批流于形式;驻矿监管人员履行监管职责不到位。",
    ],
    "non_coal": [
        "企业未按设计组织生产,安全管理制度不健全;安全员配备不足,现场检查不到位。",
        "企业隐患排查治理不到位,雨季前未组织专项检查;属地监管部门监督检查不力。",
    ],
    "construction": [
        "施工单位安全生产责任制不落实,专项施工方案未经论证即实施;监理单位未履行监理职责。",
        "总包单位对分包队伍以包代管,安全教育培训不到位;行业主管部门监管不到位。",
    ],
    "gas": [
        "燃气企业用户安全检查不到位,隐患未及时消除;安全宣传和用户告知缺失。",
        "燃气企业管网巡查制度不落实,第三方施工协调机制缺失;行业主管部门监督检查不力。",
    ],
    "transport": [
        "运输企业动态监控管理流于形式,驾驶人安全教育培训不到位;车辆维护管理制度不落实。",
        "企业安全生产主体责任不落实,对挂靠车辆以包代管;行业主管部门监管不到位。",
    ],
}
INDIRECT_DEFAULT = [
    "企业安全生产主体责任不落实,安全管理制度和操作规程执行不严;安全教育培训不到位。",
    "企业隐患排查治理不到位,现场安全管理缺失;属地监管部门监督检查不力。",
]
COUNTIES = ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"]
GENERATED = 85


def generated_cases(rng: random.Random) -> list[tuple]:
    """85 rows in the CASES layout, drawn from SCENARIOS (the same every run: a fixed seed)."""
    rows = []
    for n in range(GENERATED):
        industry, kind, subjects, places, courses, causes, lessons, tags = SCENARIOS[
            n % len(SCENARIOS)
        ]
        i = rng.randrange(len(courses))
        subject, place = rng.choice(subjects), rng.choice(places)
        kind_label = ACCIDENT_TYPE_LABELS[kind]
        deaths = rng.choice([0, 0, 1, 1, 1, 2, 3])
        serious = rng.choice([0, 1, 1, 2, 4])
        loss = rng.choice([12, 30, 55, 80, 150, 260, 480])
        rows.append(
            (
                rng.randrange(15, 3 * 365),
                rng.choice(COUNTIES),
                industry,
                kind,
                deaths,
                serious,
                loss,
                f"{subject}{place}{kind_label}事故",
                f"{subject}{place}:{courses[i]}",
                causes[i],
                lessons[i],
                tags,
            )
        )
    return rows


def load_demo() -> dict:
    if Case.objects.filter(code__startswith="DEMO-AL-", is_demo=True).exists():
        return {"cases": 0}
    user = get_user_model().objects.filter(username="zhxt_staff").first()
    if user is None:
        return {"cases": 0}
    rng = random.Random(50)
    pick = random.Random(61)  # the 间接原因 drawn apart, so that the other draws stay as they were
    today = timezone.localdate()
    pks = []
    for n, row in enumerate(CASES + generated_cases(random.Random(18)), 1):
        (
            days,
            county,
            industry,
            kind,
            deaths,
            serious,
            loss,
            title,
            narrative,
            causes,
            lessons,
            tags,
        ) = row
        day = today - dt.timedelta(days=days)
        indirect = pick.choice(INDIRECT.get(industry, INDIRECT_DEFAULT))
        data = AccidentCaseIn(
            code=f"DEMO-AL-{n:03d}",
            title=title + MARK,
            occurred_on=day,
            region=county,
            place="演示地点",
            industry=industry,
            accident_type=kind,
            deaths=deaths,
            serious_injuries=serious,
            direct_loss_wan=Decimal(loss),
            narrative=narrative,
            direct_causes=causes,
            indirect_causes=indirect,
            lessons=lessons,
            tags=tags,
            source=SOURCE,
        )
        later = min(day + dt.timedelta(days=30), today)
        with actor_context(user, source="cli", label="demo"), dated(moment(later, rng)):
            pks.append(services.do_record_case(actor=user, data=data).pk)
    Case.objects.filter(pk__in=pks).update(is_demo=True)
    return {"cases": len(pks), "pushes": _pushes(user, rng, today)}


# 警示教育 pushes: (case code, industry, county, days ago, signed by the enterprises that have
# demo users). The last one reaches the demo enterprise (ent_user) unread: its 工作台 notice.
PUSHES = [
    ("DEMO-AL-003", "hazchem", "620104", 12, True),
    ("DEMO-AL-009", "gas", "620102", 5, True),
    ("DEMO-AL-001", "hazchem", "620104", 2, False),
]


def _pushes(user, rng, today) -> int:
    """A few pushes to the demo enterprises, part of them signed by the enterprises' users."""
    from yingji.core.errors import ValidationFailed
    from yingji.orgs.models import Membership

    from .schemas import CasePushIn

    made = 0
    for code, industry, county, days, signed in PUSHES:
        case = Case.objects.get(code=code)
        day = today - dt.timedelta(days=days)
        data = CasePushIn(
            industry=industry, region=county, message="组织全员学习本案例,对照排查同类隐患(演示)"
        )
        try:
            with actor_context(user, source="cli", label="demo"), dated(moment(day, rng)):
                push = services.do_push_case(actor=user, case=case, data=data)
        except ValidationFailed:
            continue  # no enterprise of that industry there in this demo set
        made += 1
        receipts = list(push.receipts.select_related("enterprise").order_by("pk"))
        for receipt in receipts if signed else []:
            member = (
                Membership.objects.filter(
                    organisation_id=receipt.enterprise.organisation_id, is_active=True
                )
                .select_related("user")
                .first()
            )
            if member is None:
                continue
            later = min(day + dt.timedelta(days=1), today)
            with actor_context(member.user, source="cli", label="demo"), dated(moment(later, rng)):
                services.do_read_receipt(actor=member.user, receipt=receipt)
    return made
