"""Product families of the demo range: what an item is, where it sells and how it is supplied.

Pure data. A family spreads into items by variant × size × brand (see ``jxc.demo.items``);
its first item is the family's showcase when ``hero_weight`` is set.
Quantities here are simulation *ticks*: base units, or tenths of a kilogram for ``scale=10``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Industry = Literal["fresh", "medical", "hardware"]
# Where an item sells: "store" (the four shops), "tmall"/"douyin" (online channels), "b2b"
# (hospital and contractor orders shipped straight from the warehouses).
Outlet = Literal["store", "tmall", "douyin", "b2b"]
StoreStream = Literal["drink", "grocery", "pharmacy"]

STORE: frozenset[Outlet] = frozenset({"store"})
ONLINE: frozenset[Outlet] = frozenset({"tmall", "douyin"})


@dataclass(frozen=True, eq=False)
class Family:
    key: str
    industry: Industry
    category: str
    name_zh: str
    name_en: str
    base_unit: str
    case: tuple[str, int]  # supplier pack: (unit, base units), e.g. ("箱", 24)
    variants: tuple[tuple[str, str], ...]
    outlets: frozenset[Outlet]
    sizes: tuple[tuple[str, str], ...] = (("", ""),)
    pack: tuple[str, int] | None = None  # inner pack B2B customers order in, e.g. ("盒", 100)
    tracking: str = "none"
    shelf_life: tuple[int, int] | None = None  # days, low–high across the family
    cold: bool = False  # stored at 2–8 °C
    stream: StoreStream = "grocery"
    weight: float = 1.0
    hero_weight: float | None = None
    retail_ticks: tuple[int, int] = (1, 2)  # one retail sale line, in ticks (uniform)
    b2b_packs: tuple[int, int] = (1, 3)  # one B2B order line, in order packs
    scale: int = 1
    lead_days: tuple[int, int] = (3, 6)  # supplier lead time
    season: str | None = None  # key of a monthly profile in jxc.demo.demand.SEASONS
    max_items: int | None = None
    project_material: bool = False  # also kept as project stock on the building site
    attributes: Mapping[str, str] = field(default_factory=dict)


def _v(*pairs: str) -> tuple[tuple[str, str], ...]:
    """Variants written flat: "中文", "English", "中文", "English", …"""
    return tuple(zip(pairs[::2], pairs[1::2], strict=True))


BRANDS: Mapping[Industry, tuple[tuple[str, str], ...]] = {
    "fresh": (("鲜达", "Xianda"), ("田园优选", "Tianyuan Select"), ("晨露", "Morning Dew")),
    "medical": (("康卫", "Kangwei"), ("安泰", "Antai"), ("瑞康", "Ruikang")),
    "hardware": (("匠锋", "Jiangfeng"), ("永固", "Yonggu"), ("铁牛", "Tieniu")),
}

FRESH: tuple[Family, ...] = (
    Family(
        "lemon_tea", "fresh", "生鲜/饮品/茶饮", "手打柠檬茶", "Hand-pressed Lemon Tea", "瓶", ("箱", 24),
        _v("原味", "Original", "少糖", "Less-sugar", "鸭屎香", "Yashixiang Oolong", "蜂蜜", "Honey",
           "青柠", "Lime", "百香果", "Passion-fruit"),
        STORE, sizes=_v("500ml", "500 ml", "700ml", "700 ml"), tracking="lot", shelf_life=(5, 7), cold=True,
        stream="drink", weight=6.0, hero_weight=200.0, retail_ticks=(1, 3), lead_days=(1, 1), season="summer",
        max_items=12, attributes={"origin": "广东江门", "storage": "2–8 °C"},
    ),
    Family(
        "juice", "fresh", "生鲜/饮品/果汁", "NFC鲜榨果汁", "NFC Juice", "瓶", ("箱", 12),
        _v("橙汁", "Orange", "苹果汁", "Apple", "椰子水", "Coconut Water", "西柚汁", "Grapefruit",
           "芒果汁", "Mango", "葡萄汁", "Grape"),
        STORE, sizes=_v("300ml", "300 ml", "1L", "1 L"), tracking="lot", shelf_life=(14, 30),
        cold=True, stream="drink", weight=2.0, retail_ticks=(1, 2), lead_days=(1, 2), season="summer",
    ),
    Family(
        "fruit", "fresh", "生鲜/水果", "", "", "kg", ("箱", 10),
        _v("烟台红富士苹果", "Yantai Fuji Apple", "赣南脐橙", "Gannan Navel Orange", "海南香蕉", "Hainan Banana",
           "阳光玫瑰葡萄", "Shine Muscat Grape", "丹东草莓", "Dandong Strawberry", "贵妃芒", "Guifei Mango",
           "砀山酥梨", "Dangshan Pear", "徐香猕猴桃", "Xuxiang Kiwi"),
        STORE, sizes=_v("精选", "Select", "特级", "Premium"), tracking="lot", shelf_life=(7, 20),
        weight=3.0, retail_ticks=(3, 20), scale=10, lead_days=(1, 2), attributes={"grade": "一级"},
    ),
    Family(
        "dairy", "fresh", "生鲜/乳品", "鲜奶", "Dairy", "瓶", ("箱", 12),
        _v("全脂鲜牛奶", "Whole Milk", "低脂鲜牛奶", "Low-fat Milk", "原味酸奶", "Plain Yoghurt",
           "希腊酸奶", "Greek Yoghurt", "燕麦奶", "Oat Milk"),
        STORE, sizes=_v("250ml", "250 ml", "950ml", "950 ml"), tracking="lot", shelf_life=(7, 21),
        cold=True, weight=2.5, retail_ticks=(1, 3), lead_days=(1, 2), attributes={"storage": "2–8 °C"},
    ),
    Family(
        "bakery", "fresh", "生鲜/烘焙", "", "", "个", ("箱", 12),
        _v("全麦吐司", "Wholewheat Toast", "牛角包", "Croissant", "法棍", "Baguette", "肉松小贝", "Pork-floss Bun",
           "贝果", "Bagel", "芝士蛋糕", "Cheesecake"),
        STORE, tracking="lot", shelf_life=(2, 4), weight=6.0, retail_ticks=(1, 3), lead_days=(1, 1),
        max_items=4,
    ),
    Family(
        "cut_fruit", "fresh", "生鲜/鲜切", "鲜切果盒", "Fresh-cut Fruit Box", "盒", ("箱", 6),
        _v("西瓜", "Watermelon", "菠萝", "Pineapple", "哈密瓜", "Hami Melon", "混合", "Mixed"),
        STORE, tracking="lot", shelf_life=(2, 3), cold=True, stream="drink", weight=8.0, retail_ticks=(1, 2),
        lead_days=(1, 1), season="summer", max_items=3,
    ),
    Family(
        "eggs", "fresh", "生鲜/蛋品", "鲜鸡蛋", "Fresh Eggs", "盒", ("箱", 20),
        _v("散养", "Free-range", "富硒", "Selenium-rich", "土鸡蛋", "Farm"),
        STORE, sizes=_v("10枚", "10 pcs", "30枚", "30 pcs"), tracking="lot", shelf_life=(25, 30),
        weight=1.5, retail_ticks=(1, 2), lead_days=(1, 2), max_items=6,
    ),
    Family(
        "vegetables", "fresh", "生鲜/蔬菜", "", "", "kg", ("箱", 5),
        _v("有机菠菜", "Organic Spinach", "有机西兰花", "Organic Broccoli", "樱桃番茄", "Cherry Tomatoes",
           "水果黄瓜", "Mini Cucumbers", "有机生菜", "Organic Lettuce"),
        STORE, tracking="lot", shelf_life=(5, 9), cold=True, weight=3.0, retail_ticks=(2, 10), scale=10,
        lead_days=(1, 1), max_items=8,
    ),
)

MEDICAL: tuple[Family, ...] = (
    Family(
        "flu_vaccine", "medical", "医疗耗材/疫苗", "流感病毒裂解疫苗", "Influenza Split Virion Vaccine", "支",
        ("箱", 50), _v("四价", "Quadrivalent", "三价", "Trivalent"), frozenset({"b2b"}),
        sizes=_v("0.5ml 成人", "0.5 ml adult", "0.25ml 儿童", "0.25 ml paediatric"), pack=("盒", 10),
        tracking="lot", shelf_life=(365, 365), cold=True, weight=4.0, hero_weight=40.0, b2b_packs=(2, 10),
        lead_days=(7, 10), season="flu", max_items=4, attributes={"storage": "2–8 °C", "批签发": "是"},
    ),
    Family(
        "syringe", "medical", "医疗耗材/注射穿刺", "一次性使用无菌注射器", "Sterile Single-use Syringe", "支",
        ("箱", 1000), _v("带针", "with needle", "螺口", "Luer-lock"), frozenset({"b2b", "tmall"}),
        sizes=_v("1ml", "1 ml", "2ml", "2 ml", "5ml", "5 ml", "10ml", "10 ml", "20ml", "20 ml"), pack=("盒", 100),
        tracking="lot", shelf_life=(1095, 1095), weight=3.0, retail_ticks=(10, 30), b2b_packs=(1, 5),
        lead_days=(5, 10), attributes={"灭菌方式": "环氧乙烷"},
    ),
    Family(
        "mask", "medical", "医疗耗材/防护用品", "口罩", "Mask", "个", ("箱", 2000),
        _v("医用外科", "Surgical", "N95医用防护", "N95 Medical", "儿童医用", "Paediatric", "一次性医用", "Disposable"),
        STORE | ONLINE | {"b2b"}, pack=("盒", 50), tracking="lot", shelf_life=(730, 730), stream="pharmacy",
        weight=3.0, retail_ticks=(10, 50), b2b_packs=(2, 10), lead_days=(4, 8), season="winter",
    ),
    Family(
        "gloves", "medical", "医疗耗材/防护用品", "丁腈检查手套", "Nitrile Exam Gloves", "双", ("箱", 500),
        _v("无粉", "Powder-free", "加厚", "Thick"), STORE | {"tmall", "b2b"},
        sizes=_v("S", "S", "M", "M", "L", "L", "XL", "XL"), pack=("盒", 50), tracking="lot",
        shelf_life=(1095, 1095), stream="pharmacy", weight=2.0, retail_ticks=(50, 50), b2b_packs=(2, 8),
        lead_days=(5, 9),
    ),
    Family(
        "disinfection", "medical", "医疗耗材/消毒", "", "", "盒", ("箱", 48),
        _v("75%酒精棉片", "75% Alcohol Pads", "碘伏棉签", "Iodophor Swabs", "医用棉签", "Cotton Swabs",
           "免洗手消毒凝胶", "Hand Sanitiser Gel"),
        STORE | {"tmall", "b2b"}, tracking="lot", shelf_life=(730, 1095), stream="pharmacy", weight=2.0,
        retail_ticks=(1, 2), b2b_packs=(6, 24), lead_days=(3, 6),
    ),
    Family(
        "infusion", "medical", "医疗耗材/注射穿刺", "一次性输液器", "IV Infusion Set", "套", ("箱", 200),
        _v("精密过滤", "Precision-filter", "普通", "Standard", "避光", "Light-proof"), frozenset({"b2b"}),
        pack=("盒", 20), tracking="lot", shelf_life=(1095, 1095), weight=2.0, b2b_packs=(1, 6), lead_days=(5, 10),
    ),
    Family(
        "test_strips", "medical", "医疗耗材/检测", "血糖试纸", "Glucose Test Strips", "盒", ("箱", 40),
        _v("通用型", "Universal", "免调码", "No-coding"), STORE | {"tmall", "b2b"},
        sizes=_v("50片", "50 strips", "100片", "100 strips"), tracking="lot", shelf_life=(540, 540),
        stream="pharmacy", weight=1.5, retail_ticks=(1, 2), b2b_packs=(5, 20), lead_days=(5, 8), max_items=6,
    ),
    Family(
        "device", "medical", "医疗耗材/家用器械", "", "", "台", ("箱", 10),
        _v("血糖仪", "Blood Glucose Meter", "电子血压计", "Blood Pressure Monitor", "红外额温枪",
           "Infrared Thermometer", "指夹式血氧仪", "Pulse Oximeter"),
        ONLINE, tracking="serial", weight=1.0, retail_ticks=(1, 1), lead_days=(6, 10), max_items=4,
        attributes={"warranty": "2年"},
    ),
)

HARDWARE: tuple[Family, ...] = (
    Family(
        "machine_screw", "hardware", "五金/紧固件", "十字盘头机螺丝", "Cross Pan-head Machine Screws", "盒",
        ("箱", 20), _v("M3×10", "M3×10", "M4×16", "M4×16", "M5×20", "M5×20", "M6×30", "M6×30", "M4×25", "M4×25"),
        ONLINE | {"b2b"}, sizes=_v("304不锈钢", "304 stainless", "镀锌", "zinc-plated"), weight=2.0,
        hero_weight=25.0, retail_ticks=(1, 3), b2b_packs=(1, 3), lead_days=(3, 6),
        attributes={"content": "100只/盒"},
    ),
    Family(
        "anchor_bolt", "hardware", "五金/紧固件", "膨胀螺栓", "Expansion Anchor Bolt", "个", ("箱", 500),
        _v("外六角", "Hex", "内迫式", "Drop-in"), ONLINE | {"b2b"},
        sizes=_v("M6", "M6", "M8", "M8", "M10", "M10", "M12", "M12"), pack=("盒", 50), weight=1.5,
        retail_ticks=(10, 30), b2b_packs=(2, 10), lead_days=(3, 7),
    ),
    Family(
        "drill_bit", "hardware", "五金/刃具", "麻花钻头", "Twist Drill Bit", "支", ("箱", 200),
        _v("高速钢", "HSS", "含钴", "Cobalt"), ONLINE | {"b2b"},
        sizes=_v("3mm", "3 mm", "5mm", "5 mm", "6mm", "6 mm", "8mm", "8 mm", "10mm", "10 mm"), pack=("盒", 10),
        weight=1.5, retail_ticks=(1, 3), b2b_packs=(1, 5), lead_days=(4, 8),
    ),
    Family(
        "power_tool", "hardware", "五金/电动工具", "", "", "台", ("箱", 4),
        _v("锂电冲击钻", "Cordless Impact Drill", "角磨机", "Angle Grinder", "电锤", "Rotary Hammer",
           "电圆锯", "Circular Saw"),
        ONLINE, tracking="serial", weight=1.5, retail_ticks=(1, 1), lead_days=(5, 10), max_items=4,
        attributes={"warranty": "1年", "voltage": "20V"},
    ),
    Family(
        "hand_tool", "hardware", "五金/手动工具", "", "", "把", ("箱", 20),
        _v("活动扳手", "Adjustable Wrench", "钢丝钳", "Combination Pliers", "羊角锤", "Claw Hammer",
           "美工刀", "Utility Knife", "水平尺", "Spirit Level"),
        ONLINE | {"b2b"}, sizes=_v("8寸", "8-inch", "10寸", "10-inch"), weight=1.5, retail_ticks=(1, 2),
        b2b_packs=(1, 2), lead_days=(4, 8),
    ),
    Family(
        "tape", "hardware", "五金/辅材", "胶带", "Tape", "卷", ("箱", 50),
        _v("电工绝缘", "Electrical Insulating", "生料带", "PTFE Thread", "美纹纸", "Masking", "双面", "Double-sided"),
        ONLINE | {"b2b"}, sizes=_v("10m", "10 m", "20m", "20 m"), weight=1.0, retail_ticks=(1, 5),
        b2b_packs=(1, 2), lead_days=(3, 5),
    ),
    Family(
        "wire", "hardware", "五金/电工", "电线", "Electrical Wire", "卷", ("箱", 5),
        _v("BV 1.5mm²", "BV 1.5 mm²", "BV 2.5mm²", "BV 2.5 mm²", "BV 4mm²", "BV 4 mm²", "RVV 2×1.0", "RVV 2×1.0"),
        frozenset({"tmall", "b2b"}), sizes=_v("100m", "100 m"), weight=1.0, retail_ticks=(1, 2), b2b_packs=(1, 4),
        lead_days=(4, 8),
    ),
    Family(
        "rebar", "hardware", "五金/建材", "螺纹钢 HRB400", "Rebar HRB400", "kg", ("t", 1000),
        _v("Φ12", "Φ12", "Φ16", "Φ16", "Φ10", "Φ10", "Φ20", "Φ20"), frozenset({"b2b"}), weight=1.0,
        b2b_packs=(1, 3), lead_days=(3, 5), max_items=4, project_material=True,
        attributes={"standard": "GB/T 1499.2"},
    ),
    Family(
        "cement", "hardware", "五金/建材", "水泥", "Cement", "袋", ("t", 20),
        _v("P.O 42.5", "P.O 42.5", "P.C 32.5", "P.C 32.5", "白水泥", "White"), frozenset({"b2b"}), weight=1.0,
        b2b_packs=(1, 5), lead_days=(2, 4), max_items=3, project_material=True, attributes={"net": "50kg/袋"},
    ),
    Family(
        "hex_nut", "hardware", "五金/紧固件", "六角螺母", "Hex Nut", "盒", ("箱", 20),
        _v("M3", "M3", "M4", "M4", "M5", "M5", "M6", "M6", "M8", "M8", "M10", "M10"), frozenset({"tmall", "b2b"}),
        sizes=_v("304不锈钢", "304 stainless", "碳钢镀锌", "galvanised steel"), weight=1.0, retail_ticks=(1, 3),
        b2b_packs=(1, 2), lead_days=(3, 6),
    ),
)


def families_of(industry: Industry) -> tuple[Family, ...]:
    return {"fresh": FRESH, "medical": MEDICAL, "hardware": HARDWARE}[industry]
