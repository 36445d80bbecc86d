"""Full citations of the empirical figures the stylized facts are compared with.

Keys are cited by ``facts.FACTS``; the report lists the ones it used. None of these
figures is a calibration target (calibration/targets.toml).
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "shimer2005": (
        "Shimer, R. (2005). The cyclical behavior of equilibrium unemployment and "
        "vacancies. American Economic Review 95(1), 25-49. Table 1: US quarterly data "
        "1951-2003, HP-filtered logs: corr(u, v) = -0.894, standard deviations 0.190 (u) "
        "and 0.202 (v); job-finding rate about 0.45 and separation rate about 0.034 per "
        "month; matching-function elasticity with respect to unemployment 0.72, i.e. 0.28 "
        "for the job-finding rate with respect to v/u."
    ),
    "shimer2012": (
        "Shimer, R. (2012). Reassessing the ins and outs of unemployment. Review of "
        "Economic Dynamics 15(2), 127-148: since 1948 the job-finding probability accounts "
        "for about three quarters of US unemployment fluctuations, the employment exit "
        "probability for one quarter."
    ),
    "ehs2013": (
        "Elsby, M. W. L., Hobijn, B. and Şahin, A. (2013). Unemployment dynamics in the "
        "OECD. Review of Economics and Statistics 95(2), 530-548: monthly inflow and "
        "outflow rates for 14 OECD economies; outflow rates roughly an order of magnitude "
        "lower in continental Europe than in the US; inflow:outflow split of unemployment "
        "variation about 15:85 in Anglo-Saxon and 45:55 in continental European and Nordic "
        "economies."
    ),
    "fallick2004": (
        "Fallick, B. and Fleischman, C. A. (2004). Employer-to-employer flows in the U.S. "
        "labor market: the complete picture of gross worker flows. Finance and Economics "
        "Discussion Series 2004-34, Federal Reserve Board: about 2.6% of the employed "
        "change employer each month (CPS 1994-2003)."
    ),
    "jolivet2006": (
        "Jolivet, G., Postel-Vinay, F. and Robin, J.-M. (2006). The empirical content of the "
        "job search model: labor mobility and wage distributions in Europe and the US. "
        "European Economic Review 50(4), 877-907: job-to-job mobility in most European "
        "countries (ECHP 1994-2001) lower than in the US."
    ),
    "oecd_ltu": (
        "OECD Labour Force Statistics, unemployment by duration: incidence of long-term "
        "unemployment (12 months and over) as a share of total unemployment, ages 15-64, "
        "2019: about 10-15% in the US and Canada, about a quarter on average over the OECD, "
        "over half in Italy and about 70% in Greece. China's NBS publishes no duration statistics."
    ),
    "machin1999": (
        "Machin, S. and Manning, A. (1999). The causes and consequences of long-term "
        "unemployment in Europe. In Ashenfelter, O. and Card, D. (eds), Handbook of Labor "
        "Economics 3C, ch. 47, 3085-3139: exit rates from unemployment fall with its "
        "duration in every European country studied."
    ),
    "kroft2013": (
        "Kroft, K., Lange, F. and Notowidigdo, M. J. (2013). Duration dependence and labor "
        "market conditions: evidence from a field experiment. Quarterly Journal of "
        "Economics 128(3), 1123-1167: call-back rates fall with the length of the "
        "applicant's unemployment spell."
    ),
    "krueger2014": (
        "Krueger, A. B., Cramer, J. and Cho, D. (2014). Are the long-term unemployed on "
        "the margins of the labor market? Brookings Papers on Economic Activity 2014(1), "
        "229-299: in the CPS, SIPP and a Rutgers survey the long-term unemployed (27 weeks "
        "or more) are 20-40% less likely than the short-term unemployed to be employed 1 "
        "to 2 years later."
    ),
    "petrongolo2001": (
        "Petrongolo, B. and Pissarides, C. A. (2001). Looking into the black box: a survey "
        "of the matching function. Journal of Economic Literature 39(2), 390-431: "
        "elasticity of hires with respect to unemployment 0.5-0.7, i.e. 0.3-0.5 for the "
        "job-finding rate with respect to v/u under constant returns."
    ),
    "blanchflower1994": (
        "Blanchflower, D. G. and Oswald, A. J. (1994). The Wage Curve. MIT Press; and "
        "(1995) An introduction to the wage curve, Journal of Economic Perspectives 9(3), "
        "153-167: elasticity of pay with respect to local unemployment about -0.1, with "
        "region and year fixed effects, in many countries."
    ),
    "nijkamp2005": (
        "Nijkamp, P. and Poot, J. (2005). The last word on the wage curve? Journal of "
        "Economic Surveys 19(3), 421-450: meta-analysis of 208 estimates, about -0.07 "
        "after correction for publication bias."
    ),
    "peng2026": (
        "Peng, F., Kang, L. and Anwar, S. (2026). Understanding regional labor market "
        "dynamics in China through the wage curve in urban areas. Pacific Economic Review "
        "31(1), 64-82: a significantly negative wage curve across 298 Chinese cities, "
        "1999-2017."
    ),
    "oecd_earnings": (
        "OECD Earnings Distribution database: decile ratio (P90/P10) of gross earnings of "
        "full-time employees, 2019-2022, from about 2.3 in the most compressed OECD "
        "countries to about 5 in the United States."
    ),
    "gustafsson2018": (
        "Gustafsson, B. and Wan, H. (2018). Wage growth and inequality in urban China: "
        "1988-2013. WIDER Working Paper 2018/163, UNU-WIDER (China Household Income "
        "Project, urban wage earners): wage inequality rose to 2007 and did not change "
        "clearly to 2013; older workers now earn less than middle-aged workers. The range "
        "0.30-0.45 for the wage Gini of urban China in 2007-2013 is a rounded reading of "
        "this and related CHIP and Urban Household Survey studies, not one estimate."
    ),
    "li2016": (
        "Li, S., Xing, C. and Wu, S. (2016). Working paper on the urban wage structure, "
        "1995-2013, China Institute for Income Distribution, Beijing Normal University "
        "(ciidbnu.org, 31 July 2016; a nationally representative urban household "
        "survey): the wage-age profile is an inverted U, more so in 2013."
    ),
    "nbs2024": (
        "National Bureau of Statistics of China (2025). Statistical Communiqué on the 2024 "
        "National Economic and Social Development: per capita disposable income 54,188 "
        "yuan (urban residents) and 23,119 yuan (rural residents), a ratio of 2.34. "
        "Disposable income per resident, not wages per worker."
    ),
    "nbs_wages2024": (
        "National Bureau of Statistics of China (2025): average wage of urban non-private "
        "units 124,110 yuan a year in 2024 (10,343 a month), of urban private units "
        "69,476 (5,790 a month); Migrant Worker Monitoring Survey Report 2024: migrant "
        "workers' average monthly income 4,961 yuan, 4,291 for local migrant workers "
        "(working in their home township), 5,634 for those working away. Urban wages "
        "over local migrant workers' income: 1.35 (private units) to 2.41 (non-private). "
        "Read with care: the average wages include the tax, social insurance and housing "
        "fund withheld from pay, and the survey measures income differently, so both "
        "ends lean high. (Figures as reported from the NBS releases; not read from the "
        "releases themselves.)"
    ),
    "eu_vet": (
        "Eurostat, EU Labour Force Survey: employment rate of recent graduates (aged 20-34, "
        "1-3 years after graduating) of upper-secondary and post-secondary vocational "
        "programmes, about 76-81% in 2019-2023; the Council Recommendation on vocational "
        "education and training (24 November 2020) sets 82% as the EU-level objective for "
        "2025."
    ),
    "mycos": (
        "MyCOS Research Institute, Chinese College Graduates' Employment Annual Report "
        "(blue book, editions 2019-2023): about 90-92% of graduates of higher vocational "
        "colleges employed (or in further study) six months after graduation."
    ),
    "nbs_youth": (
        "National Bureau of Statistics of China, monthly surveyed urban unemployment rate "
        "of the labour force aged 16-24 excluding students (series since December 2023), "
        "as reported from the bureau's releases (June and July 2024: AP, August 2024; "
        "August and September 2024: China Daily and People's Daily, 22 October 2024; "
        "October and November 2024: Reuters, December 2024; June and July 2025: Reuters, "
        "19 August 2025; August and November 2025: TBS, December 2025; January 2024: "
        "Reuters, March 2024; February 2024: Global Times, 20 March 2024; March and April "
        "2024: Reuters, May 2024; May 2024: Xinhua, 19 June 2024; December 2024: Reuters, "
        "January 2025): 2024 January to December 14.6, 15.3, 15.3, 14.7, 14.2, 13.2, "
        "17.1, 18.8, 17.6, 17.1, 16.1 and 15.7%; 2025 June 14.5%, August 18.9%, November "
        "16.9%. The "
        "calibration targets August less June of 2024 and the mean level "
        "(calibration/targets.toml), not the months after August. (Figures as reported, "
        "not read from the releases themselves.)"
    ),
    "moe_graduates": (
        "Graduates of regular higher education institutions with a job before they leave, "
        "as reported in the press from the Ministry of Education and others: 47% with a "
        "signed contract by mid-June 2003 (Xinhua, 20 June 2003); 68% employed on 1 July "
        "2009 by the Ministry's count, further study included (Industry and Commerce "
        "Daily, 21 July 2009), a count the ministry itself has since warned universities "
        "against inflating (China Daily, 12 December 2016); 35% of higher vocational and "
        "38% of bachelor's graduates-to-be with a signed contract in December 2012-January "
        "2013 (MyCOS poll, People's Daily, 14 February 2013); 28% of Beijing's graduates "
        "by late April 2013 (Beijing Municipal Commission of Education, Beijing Times). "
        "Programmes end in late June; the range runs from the earliest counts to the "
        "ministry's 1 July figure."
    ),
    "bibb": (
        "BIBB, Betriebliche Ausbildungsbeteiligung (bibb.de, from the Federal Employment "
        "Agency's employment statistics) and Datenreport zum Berufsbildungsbericht, "
        "chapter A7: share of establishments with employees subject to social insurance "
        "that train apprentices (Ausbildungsbetriebsquote), 24.1% in 2007, falling "
        "steadily to 18.8% in 2023 (21.7% in 2011, 21.3% in 2012). Germany's dual system, "
        "the benchmark the calibration also uses for apprenticeship; China's NEA "
        "publishes no such figure."
    ),
}
