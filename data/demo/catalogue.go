package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/onewindow/onewindow/data"
	"github.com/onewindow/onewindow/data/calendar"
	"github.com/onewindow/onewindow/data/catalogue"
)

// A generated county catalogue of realistic size, for the onboarding tests
// and benchmarks: departments as a county centre has them, items made of a
// department's subjects and the acts on them (新办、变更、延续、注销 …),
// each with materials and, for some, fees that have a 依据文号.

type deptSeed struct {
	code, name string
	subjects   []string
}

var deptSeeds = []deptSeed{
	{"SCJG", "市场监督管理局", []string{"食品经营许可", "食品生产许可", "小作坊登记", "特种设备使用登记", "计量器具型式批准", "药品零售企业许可", "医疗器械经营备案", "企业登记", "个体工商户登记", "农民专业合作社登记"}},
	{"FGJ", "发展和改革局", []string{"企业投资项目备案", "企业投资项目核准", "固定资产投资项目节能审查", "价格认定", "粮食收购资格"}},
	{"JXJ", "经济和信息化局", []string{"工业企业技术改造项目备案", "散装水泥使用", "民用爆炸物品销售许可", "再生资源回收经营者备案"}},
	{"ZRGH", "自然资源和规划局", []string{"建设项目用地预审与选址意见书", "建设用地规划许可", "建设工程规划许可", "乡村建设规划许可", "采矿许可", "临时用地审批", "测绘作业证"}},
	{"ZJJ", "住房和城乡建设局", []string{"建筑工程施工许可", "商品房预售许可", "建筑业企业资质", "房地产开发企业资质", "城市建筑垃圾处置核准", "燃气经营许可", "城镇污水排入排水管网许可"}},
	{"STHJ", "生态环境分局", []string{"排污许可", "建设项目环境影响报告表审批", "建设项目环境影响报告书审批", "危险废物经营许可", "辐射安全许可"}},
	{"RSJ", "人力资源和社会保障局", []string{"社会保险登记", "就业失业登记", "劳务派遣经营许可", "人力资源服务许可", "职业技能等级认定", "特殊工时制度审批"}},
	{"MZJ", "民政局", []string{"最低生活保障", "特困人员救助供养", "社会团体登记", "民办非企业单位登记", "养老机构备案", "婚姻登记"}},
	{"WJJ", "卫生健康局", []string{"医疗机构执业登记", "公共场所卫生许可", "放射诊疗许可", "母婴保健技术服务执业许可", "饮用水供水单位卫生许可"}},
	{"JTJ", "交通运输局", []string{"道路货物运输经营许可", "道路旅客运输经营许可", "机动车维修经营备案", "出租汽车经营许可", "公路超限运输许可", "涉路施工许可"}},
	{"WGLJ", "文化广电旅游体育局", []string{"娱乐场所经营许可", "互联网上网服务营业场所许可", "营业性演出许可", "旅行社业务经营许可", "高危险性体育项目经营许可"}},
	{"GAJ", "公安局", []string{"居民身份证申领", "户口迁移", "剧毒化学品购买许可", "旅馆业特种行业许可", "印章刻制业特种行业许可"}},
	{"SLJ", "水利局", []string{"取水许可", "河道管理范围内建设项目审批", "生产建设项目水土保持方案审批", "洪水影响评价"}},
	{"NYJ", "农业农村局", []string{"农药经营许可", "兽药经营许可", "种子生产经营许可", "动物防疫条件合格证", "渔业捕捞许可", "农村宅基地审批"}},
	{"YJJ", "应急管理局", []string{"危险化学品经营许可", "烟花爆竹经营（零售）许可", "非药品类易制毒化学品经营备案", "生产安全事故应急预案备案"}},
	{"BDC", "不动产登记中心", []string{"不动产首次登记", "不动产转移登记", "不动产变更登记", "不动产抵押登记", "不动产注销登记", "不动产更正登记"}},
	{"SWJ", "税务局", []string{"税务登记", "发票领用", "增值税一般纳税人登记", "税收优惠备案"}},
	{"YCJ", "烟草专卖局", []string{"烟草专卖零售许可"}},
}

// The acts a subject is offered in, as a province's 事项库 splits them.
var acts = []string{"（新办）", "（变更）", "（延续）", "（注销）", "（补证）", "（迁移）", "（备案）", "（核准）", "（年度报告）", "（分支机构）"}

var materialPool = []string{
	"申请书", "营业执照复印件", "法定代表人身份证明", "经办人身份证及授权委托书", "场所使用证明", "平面布局图",
	"设备设施清单", "管理制度文本", "专业技术人员资格证明", "原许可证正本、副本", "变更事项证明材料", "项目可行性研究报告",
	"环境影响评价文件", "土地权属证明", "规划设计方案", "施工合同", "安全生产管理制度", "检测报告", "申请人承诺书",
	"身份证原件及复印件", "户口簿", "不动产权证书", "完税证明", "测绘成果",
}

// Catalogue generates a county catalogue with about items service items,
// the same for the same seed.
func Catalogue(seed uint64, items int) *catalogue.Catalogue {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &catalogue.Catalogue{}
	for _, d := range deptSeeds {
		c.Departments = append(c.Departments, catalogue.Department{Department: data.Department{Code: d.code, Name: d.name}})
	}
	for i := 0; i < 24; i++ {
		hall := "ABCD"[i/6]
		c.Windows = append(c.Windows, catalogue.Window{Window: data.Window{Code: fmt.Sprintf("%c%02d", hall, i%6+1), Name: fmt.Sprintf("%c 区 %d 号窗口", hall, i%6+1)}})
	}
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
	given := []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"}
	for i := 0; i < 60; i++ {
		u := catalogue.User{Login: fmt.Sprintf("ck%03d", i+1), Name: string(surnames[i%len(surnames)]) + given[(i*7)%len(given)] + given[(i*3+1)%len(given)],
			Role: data.RoleClerk, Window: c.Windows[i%len(c.Windows)].Code, Active: true}
		switch {
		case i < 4:
			u.Role, u.Window = data.RoleSupervisor, ""
		case i < 5:
			u.Role, u.Window = data.RoleAdmin, ""
		}
		c.Users = append(c.Users, u)
	}
	from := calendar.NewDate(2018, 1, 1)
	for i := 0; i < 40; i++ {
		d := deptSeeds[i%len(deptSeeds)]
		c.Fees = append(c.Fees, catalogue.Fee{FeeItem: data.FeeItem{Code: fmt.Sprintf("%s-F%02d", d.code, i/len(deptSeeds)+1),
			Name: d.subjects[0] + "工本费", AmountFen: int64(5+r.IntN(60)) * 500, Unit: []string{"件", "本", "证"}[i%3],
			Basis: fmt.Sprintf("发改价格〔20%02d〕%d号", 10+i%8, 100+i*37), ValidFrom: from}})
	}
	slices.SortFunc(c.Fees, func(a, b catalogue.Fee) int { return cmp.Compare(a.Code, b.Code) })
	for i := 0; i < 6; i++ {
		c.Policies = append(c.Policies, catalogue.Policy{WaiverPolicy: data.WaiverPolicy{Code: fmt.Sprintf("JM-%02d", i+1),
			Name:  []string{"小微企业免收登记类费用", "城乡低保对象免收证照工本费", "残疾人减半收取工本费", "退役军人创业免收登记费", "高校毕业生创业免收登记费", "灾后重建免收行政事业性收费"}[i],
			Basis: fmt.Sprintf("财税〔20%02d〕%d号", 14+i, 20+i*11), ValidFrom: calendar.NewDate(2019, 1, 1)}})
	}
	for n := 0; len(c.Items) < items; n++ {
		d := deptSeeds[n%len(deptSeeds)]
		round := n / len(deptSeeds)
		subject := d.subjects[round%len(d.subjects)]
		act := acts[(round/len(d.subjects))%len(acts)]
		if round/len(d.subjects) >= len(acts) {
			act = fmt.Sprintf("（%d）", round)
		}
		it := catalogue.Item{Code: fmt.Sprintf("%s-%04d", d.code, round+1), Name: subject + act, Department: d.code, Active: true}
		switch k := r.IntN(10); {
		case k < 3:
			it.Kind = data.KindImmediate
		case k < 8:
			it.Kind, it.Statutory = data.KindPromised, []int{5, 10, 15, 20, 30, 60}[r.IntN(6)]
			it.Promised = max(1, it.Statutory*(30+r.IntN(50))/100)
		case k < 9:
			it.Kind, it.Statutory = data.KindReported, 20+r.IntN(40)
			it.Promised = it.Statutory
		default:
			it.Kind, it.Statutory = data.KindJoint, 15+r.IntN(20)
			it.Promised = it.Statutory / 2
		}
		perm := r.Perm(len(materialPool))
		for _, m := range perm[:2+r.IntN(5)] {
			it.Materials = append(it.Materials, materialPool[m])
		}
		if r.IntN(4) == 0 {
			for _, f := range c.Fees {
				if f.Code[:len(d.code)+1] == d.code+"-" {
					it.Fees = append(it.Fees, f.Code)
					break
				}
			}
		}
		c.Items = append(c.Items, it)
	}
	slices.SortFunc(c.Items, func(a, b catalogue.Item) int { return cmp.Compare(a.Code, b.Code) })
	return c
}
