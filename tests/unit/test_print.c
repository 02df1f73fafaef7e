/* Printing: floats exactly as Python's repr(), values as the spec says.
 * Every expected float string below was produced by Python 3's repr() of
 * the same double (written here as an exact hex literal or bit pattern). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static void repr_is(double f, const char *want) {
  char buf[40];
  int n = sc_format_float(f, buf);
  cr_assert_str_eq(buf, want, "for %a (%.17g)", f, f);
  cr_assert_eq(n, (int)strlen(want));
}

Test(print, float_repr_python) {
  repr_is(0x1.999999999999ap-4, "0.1");
  repr_is(0x1.4f8b588e368f1p-17, "1e-05");
  repr_is(0x1.a36e2eb1c432dp-14, "0.0001");
  repr_is(0x1.0624dd2f1a9fcp-10, "0.001");
  repr_is(0x1.1c37937e08000p+53, "1e+16");
  repr_is(0x1.c6bf526340000p+49, "1000000000000000.0");
  repr_is(0x1.aa535d3d0c000p+53, "1.5e+16");
  repr_is(0x1.6345785d8a000p+56, "1e+17");
  repr_is(0x1.b69b4ba630f35p+56, "1.2345678901234568e+17");
  repr_is(0x1.0000000000000p+63, "9.223372036854776e+18");
  repr_is(0x0.0000000000001p-1022, "5e-324");
  repr_is(0x0.0000000000002p-1022, "1e-323");
  repr_is(0x0.fffffffffffffp-1022, "2.225073858507201e-308");
  repr_is(0x1.0000000000000p-1022, "2.2250738585072014e-308");
  repr_is(0x0.00000000007e8p-1022, "1e-320");
  repr_is(0x1.fffffffffffffp+1023, "1.7976931348623157e+308");
  repr_is(-0x1.fffffffffffffp+1023, "-1.7976931348623157e+308");
  repr_is(0x1.5555555555555p-2, "0.3333333333333333");
  repr_is(0x1.5555555555555p-1, "0.6666666666666666");
  repr_is(0x1.9000000000000p+6, "100.0");
  repr_is(0x1.0f0cf064dd592p+73, "1e+22");
  repr_is(0x1.52d02c7e14af6p+76, "1e+23");
  repr_is(0x1.b1ae4d6e2ef50p+69, "1e+21");
  repr_is(0x1.1c37937e07fffp+53, "9999999999999998.0");
  repr_is(0x1.1c37937e08000p+53, "1e+16");
  repr_is(0x1.1eb2d66005835p+997, "1.5e+300");
  repr_is(0x1.ddd4baa009303p+999, "1e+301");
  repr_is(0x1.249ad2594c37dp+332, "1e+100");
  repr_is(0x1.0000000000000p-1, "0.5");
  repr_is(0x1.0000000000000p-2, "0.25");
  repr_is(0x1.0000000000000p+0, "1.0");
  repr_is(0x1.8000000000000p+1, "3.0");
  repr_is(-0x1.ec00000000000p+6, "-123.0");
  repr_is(0x1.921f9f01b866ep+1, "3.14159");
  repr_is(0x1.921fb54442d18p+1, "3.141592653589793");
  repr_is(0x1.5bf0a8b145769p+1, "2.718281828459045");
  repr_is(0x1.edd2f1a9fbe77p+6, "123.456");
  repr_is(-0x1.49da7e361ce4cp-33, "-1.5e-10");
  repr_is(0x1.fe185ca57c517p+78, "6.02214076e+23");
  repr_is(0x1.199999999999ap+0, "1.1");
  repr_is(0x1.199999999999ap+1, "2.2");
  repr_is(0x1.a666666666667p+1, "3.3000000000000003");
  repr_is(0x1.3333333333334p-2, "0.30000000000000004");
  repr_is(0x1.81cd6e631f8a1p+13, "12345.6789");
  repr_is(0x1.18b54f22aeb03p+50, "1234567890123456.8");
  repr_is(0x1.02e7ef70994ddp-13, "0.000123456");
  repr_is(0x1.ad7f29abcaf48p-24, "1e-07");
  repr_is(0x1.1666666666666p+2, "4.35");
  repr_is(0x1.5666666666666p+1, "2.675");
  repr_is(0x1.0000000000000p+53, "9007199254740992.0");
  repr_is(0x1.0000000000001p+53, "9007199254740994.0");
  repr_is(0x1.0000000000000p+62, "4.611686018427388e+18");
  repr_is(0x1.0000000000000p+63, "9.223372036854776e+18");
  repr_is(0x1.0000000000000p+64, "1.8446744073709552e+19");
  repr_is(0x1.0000000000000p-1022, "2.2250738585072014e-308");
  repr_is(0x0.0000000000003p-1022, "1.5e-323");
  repr_is(0x1.421f5f40d8376p-23, "1.5e-07");
  repr_is(0x1.a36e2eb1c432dp-17, "1.25e-05");
  repr_is(0x1.9e0fcaf9380fcp-17, "1.234e-05");
  repr_is(0x1.869fffff583a5p+16, "99999.99999");
  repr_is(0x1.f75104d551d6ap-16, "3.0000000000000004e-05");
  repr_is(0x1.0000000000000p+52, "4503599627370496.0");
  repr_is(0x1.3333333333334p-2, "0.30000000000000004");
  repr_is(0x1.0000000000000p-383, "5.075883674631299e-116");
  repr_is(0x1.0000000000000p-366, "6.653062250012736e-111");
  repr_is(0x1.0000000000000p-296, "7.854549544476363e-90");
  repr_is(0x1.0000000000000p-140, "7.174648137343064e-43");
  repr_is(0x1.0000000000000p-44, "5.684341886080802e-14");
  repr_is(0x1.0000000000000p+100, "1.2676506002282294e+30");
  repr_is(0x1.0000000000000p-100, "7.888609052210118e-31");
  repr_is(0x1.a36e2eb1c432cp-14, "9.999999999999999e-05");
  repr_is(0x1.0000000000000p-20, "9.5367431640625e-07");
  repr_is(0x0.000000000008ep-1022, "7e-322");
  repr_is(0x1.ffffffffffffep+1023, "1.7976931348623155e+308");
  repr_is(0x1.5af1d78b58c40p+66, "1e+20");
  repr_is(0x1.79ca10c92422bp-67, "1.0000000000000011e-20");
  repr_is(0x1.0000000000000p+64, "1.8446744073709552e+19");
  repr_is(0.0, "0.0");
  repr_is(-0.0, "-0.0");
  repr_is(NAN, "nan");
  repr_is(-NAN, "nan");
  repr_is(INFINITY, "inf");
  repr_is(-INFINITY, "-inf");
  repr_is(-2.5, "-2.5");
  repr_is(1e16, "1e+16");
  repr_is(9.223372036854776e18, "9.223372036854776e+18");
}

/* Random bit patterns and every power of two whose nearest 16-digit decimal
 * does not read back (the narrow rounding interval below a power of two). */
static const struct {
  uint64_t bits;
  const char *repr;
} bit_cases[] = {
  {0x2e84496e7857dd86ull, "1.3053460867029954e-84"},
  {0x940eee3cba6f875cull, "-4.593900756363754e-212"},
  {0x33406bc44dc2a627ull, "7.983430509249571e-62"},
  {0xb938451ee325faa6ull, "-4.674232466673235e-33"},
  {0xc1d8fac168fb90d7ull, "-1676346787.9307153"},
  {0xc2354e2bb7740a63ull, "-91505801076.04057"},
  {0x887e840043e58844ull, "-9.242004904000638e-268"},
  {0xa2da95a83ec33dd6ull, "-8.72031439815143e-141"},
  {0xbc38d756d0055979ull, "-1.3466424375819714e-18"},
  {0x5aab0a377f90ade7ull, "5.857245089853537e+128"},
  {0x86ff0de26a769806ull, "-5.6058932322064184e-275"},
  {0x9d9b532aba4e6c36ull, "-4.633834494019838e-166"},
  {0x37d72e4af6978770ull, "1.064411574118151e-39"},
  {0x8b3890644f3d4e7bull, "-1.3087699255072154e-254"},
  {0x548a84a5b43d4318ull, "1.8125578230860703e+99"},
  {0x131db61884f42b4bull, "1.346681689596359e-216"},
  {0xc63d5f77bb3a6a06ull, "-2.327162535179311e+30"},
  {0xddfa7fa4ffe9ec11ull, "-5.1701251164991826e+144"},
  {0xb070e38434d57084ull, "-2.333663540648899e-75"},
  {0xba49c19fc0a9c8beull, "-6.501815279748911e-28"},
  {0xecb736d877f1caf0ull, "-5.001628063009517e+215"},
  {0xd4dd79d3b5834f4cull, "-6.447115449024754e+100"},
  {0xa70b967adf354788ull, "-1.3354542394704874e-120"},
  {0x88177abd25fbab1bull, "-1.1110965234027424e-269"},
  {0xde11ee00366dadc0ull, "-1.3992996522070256e+145"},
  {0xfaaced226972f683ull, "-8.401153636443164e+282"},
  {0xc54be01c0ef8e010ull, "-6.7398649618900644e+25"},
  {0xa0f09780597538cbull, "-5.06868998984818e-150"},
  {0x7744001a6aa45fe0ull, "3.224518911819663e+266"},
  {0xb9ae5c8f1fca7da2ull, "-7.484702137230195e-31"},
  {0x2393446abe564059ull, "2.588700476085742e-137"},
  {0x53bdf64dc34797c4ull, "2.499949553685165e+95"},
  {0x54b1070f63eb18aaull, "9.310895901665851e+99"},
  {0xcb2d34ea58655852ull, "-1.3987230868249824e+54"},
  {0x5352d63f337e6853ull, "2.4557725950682515e+93"},
  {0x6a1510446d433715ull, "1.031878447048137e+203"},
  {0x915405c051032369ull, "-3.3808103698413506e-225"},
  {0xe7b0dfa436cc71a5ull, "-3.007218575433834e+191"},
  {0x682f860ede282d59ull, "7.191242335674431e+193"},
  {0x345986d33aa67f52ull, "1.6266526608241936e-56"},
  {0xbffa07750a5d5bfeull, "-1.6268206028814798"},
  {0xc30d0ea339a7ff57ull, "-1022358566797290.9"},
  {0xf897181304f8c31cull, "-7.808291293778871e+272"},
  {0x4245dc03dd8ba9d4ull, "187771108119.32678"},
  {0x8171a4c3d80dad42ull, "-1.0291339019190288e-301"},
  {0xc5bc543b51b8a7afull, "-8.767410170959846e+27"},
  {0x91f68f88f5d93c67ull, "-3.90081598379482e-222"},
  {0xb4852afbcdebefa7ull, "-1.0791173696284748e-55"},
  {0x9d1a8c836bc9e141ull, "-1.7586873779833286e-168"},
  {0x54c4c0c31cae4e65ull, "2.2695982181941527e+100"},
  {0xa7193cf4d9f181eaull, "-2.4434226281837867e-120"},
  {0xc7c64d559b509fbeull, "-5.92891181510175e+37"},
  {0x3c6fc1733b08c157ull, "1.3771824188622271e-17"},
  {0x76da03a0febdf93aull, "3.2766214762112476e+264"},
  {0x22d7bd7f5d9f3480ull, "7.78729923227361e-141"},
  {0x5e684f9633fddcd9ull, "6.071397767104146e+146"},
  {0x9871d7697e4ba594ull, "-6.256810315685157e-191"},
  {0xa0cb0b17d625c18aull, "-1.0326957467701334e-150"},
  {0x430e07f524329a26ull, "1056624844624708.8"},
  {0x9fa71a5963243c73ull, "-3.3654198689206114e-156"},
  {0x55e3679f5656a72aull, "5.56310308827219e+105"},
  {0xb56211ccf0a737c3ull, "-1.509237848895361e-51"},
  {0xb6770b11ffc9492cull, "-2.522692311181771e-46"},
  {0xdc79e8e87707af4dull, "-3.013159023278787e+137"},
  {0xaf1f7fa62b790602ull, "-1.0377024531960915e-81"},
  {0xc48ff480b2122b13ull, "-1.8862955002187882e+22"},
  {0x21cb664adc769927ull, "6.857029439341655e-146"},
  {0xecad86a154f1b974ull, "-3.1807537675321595e+215"},
  {0x94bdca5e34f81895ull, "-9.061514923858489e-209"},
  {0x10c1525aafc3434bull, "5.712467077089321e-228"},
  {0xf0edeb0c1915ec28ull, "-9.512647549987205e+235"},
  {0x2c7a15bed7f35cebull, "1.9539401955470455e-94"},
  {0xe65ddc49011ae8e6ull, "-1.2688032135518973e+185"},
  {0x7029d03d2691949cull, "2.0037910944431919e+232"},
  {0x3c55de74b42eddd2ull, "4.7420765793454236e-18"},
  {0x3a81ea0b59ac4f53ull, "7.235502174222167e-27"},
  {0x3215e84814d92cf9ull, "2.0314719225839168e-67"},
  {0x48c3fd37cd9201ffull, "3.4825980929129125e+42"},
  {0xb1ee4a0a3d41c6dfull, "-3.51090488895453e-68"},
  {0x9a094dea760ee1c3ull, "-2.977611184107951e-183"},
  {0x7b675e54437cfbc7ull, "2.779945189140641e+286"},
  {0xe129131286111badull, "-1.1016408226190745e+160"},
  {0xa9f334346f9ed048ull, "-1.308312670230879e-106"},
  {0x6a373282f8d5f553ull, "4.5456367833740966e+203"},
  {0xd7bd11c533708700ull, "-4.4741925065505884e+114"},
  {0x4d26df2f12231373ull, "4.704458858818139e+63"},
  {0x4746df204d70bb5eull, "2.375121349944225e+35"},
  {0x9085ab8a22c1a23aull, "-4.466565977839332e-229"},
  {0xbb373251a95ee629ull, "-1.9187743516462272e-23"},
  {0x86fe0f194001c9e9ull, "-5.4262299897932524e-275"},
  {0x7ec6b10619c1ad85ull, "4.86282737011383e+302"},
  {0xe4196f3537fbd485ull, "-1.5726754496035033e+174"},
  {0xc8c90052320862d1ull, "-4.3558328095491836e+42"},
  {0x2d16130c637b38b5ull, "1.6932082969961052e-91"},
  {0xd9a4e1e983e89a8aull, "-6.902240523351961e+123"},
  {0x51e8217b39260d7aull, "3.750250260317813e+86"},
  {0xc0085a145ac7cd4dull, "-3.0439841358399122"},
  {0xe4337c1db3da03ffull, "-4.819190387492798e+174"},
  {0x0bad1375ccbe3f3eull, "1.9829353233877937e-252"},
  {0xe6a2b38494301443ull, "-2.542832640632858e+186"},
  {0xad92c7d6ee99c03dull, "-3.687833414971349e-89"},
  {0x608041f78b4e09dbull, "6.975356717015037e+156"},
  {0xbdcc489cefa65685ull, "-5.144764992170608e-11"},
  {0xf35b15bfb8703835ull, "-4.7343961899911476e+247"},
  {0x12c83c23a22845d1ull, "3.4326910670132934e-218"},
  {0x3ac3aeaf1e595520ull, "1.2719426771840465e-25"},
  {0x848a58c50e46b510ull, "-8.651298641066806e-287"},
  {0xf1f8665c201f0631ull, "-1.0168656673254689e+241"},
  {0x35d25ae0d45d1139ull, "1.9623431153108372e-49"},
  {0xa28e6d2ae81b9fccull, "-3.1189121571775664e-142"},
  {0xec7ea1c99d6d1f17ull, "-4.1248868268171187e+214"},
  {0xf24a8cdc167edfdaull, "-3.540746773405349e+242"},
  {0x2c7b76da810f5598ull, "2.0572612958201146e-94"},
  {0x7cf0d5123c7b04ccull, "6.71892036577166e+293"},
  {0xcc868b40957cd5f8ull, "-4.528342213552716e+60"},
  {0x2a4204a6bb59e523ull, "3.928096795080271e-105"},
  {0x1637c1d8297b2a4aull, "1.2123785725423196e-201"},
  {0x9e274b3f2014a4c3ull, "-2.0225309018374553e-163"},
  {0xcfb707cc1ab33b34ull, "-1.041697212295719e+76"},
  {0x981b88f0f18f97a9ull, "-1.5087827335864302e-192"},
  {0x0060000000000000ull, "7.120236347223045e-307"},
  {0x0100000000000000ull, "7.291122019556398e-304"},
  {0x0420000000000000ull, "8.209073602596753e-289"},
  {0x0660000000000000ull, "5.641232424577593e-278"},
  {0x0d70000000000000ull, "5.858190679279809e-244"},
  {0x0e80000000000000ull, "7.678447687145631e-239"},
  {0x0eb0000000000000ull, "6.142758149716505e-238"},
  {0x0f50000000000000ull, "6.290184345309701e-235"},
  {0x13e0000000000000ull, "5.940911144672375e-213"},
  {0x1480000000000000ull, "6.083493012144512e-210"},
  {0x1690000000000000ull, "5.225680706521042e-200"},
  {0x1730000000000000ull, "5.351097043477547e-197"},
  {0x1da0000000000000ull, "5.426657103235053e-166"},
  {0x2020000000000000ull, "5.966672584960166e-154"},
  {0x20f0000000000000ull, "4.887898181599368e-150"},
  {0x2160000000000000ull, "6.256509672447191e-148"},
  {0x2800000000000000ull, "5.075883674631299e-116"},
  {0x2910000000000000ull, "6.653062250012736e-111"},
  {0x2d70000000000000ull, "7.854549544476363e-90"},
  {0x3730000000000000ull, "7.174648137343064e-43"},
  {0x39e0000000000000ull, "6.310887241768095e-30"},
  {0x3b20000000000000ull, "6.617444900424222e-24"},
  {0x3d30000000000000ull, "5.684341886080802e-14"},
  {0x3e70000000000000ull, "5.960464477539063e-08"},
  {0x4580000000000000ull, "6.189700196426902e+26"},
  {0x4790000000000000ull, "5.316911983139664e+36"},
  {0x4830000000000000ull, "5.444517870735016e+39"},
  {0x4ab0000000000000ull, "5.986310706507379e+51"},
  {0x4b50000000000000ull, "6.129982163463556e+54"},
  {0x5120000000000000ull, "6.070840288205404e+82"},
  {0x5300000000000000ull, "6.518515124270356e+91"},
  {0x5580000000000000ull, "7.167183174968974e+103"},
  {0x5790000000000000ull, "6.156563468186638e+113"},
  {0x58d0000000000000ull, "6.455624695217272e+119"},
  {0x5940000000000000ull, "8.263199609878108e+121"},
  {0x5e00000000000000ull, "6.243497100631985e+144"},
  {0x6150000000000000ull, "5.623642243178996e+160"},
  {0x61f0000000000000ull, "5.758609657015292e+163"},
  {0x6290000000000000ull, "5.896816288783659e+166"},
  {0x63d0000000000000ull, "6.183260036827614e+172"},
  {0x6510000000000000ull, "6.483618076376552e+178"},
  {0x6c50000000000000ull, "5.386379163185535e+213"},
  {0x7220000000000000ull, "5.334411546303884e+241"},
  {0x75e0000000000000ull, "6.150157786156811e+259"},
  {0x77f0000000000000ull, "5.282945311356653e+269"},
  {0x7cf0000000000000ull, "6.386688990511104e+293"},
};

Test(print, float_repr_bit_patterns) {
  for (size_t i = 0; i < sizeof bit_cases / sizeof bit_cases[0]; i++) {
    double f;
    memcpy(&f, &bit_cases[i].bits, 8);
    repr_is(f, bit_cases[i].repr);
  }
}

/* Properties over every power of two and its neighbours: the text reads back
 * to the same double and has no more significant digits than needed. */
Test(print, float_repr_round_trips) {
  char buf[40];
  for (int e = -1074; e <= 1023; e++) {
    double p = ldexp(1.0, e);
    double v[3] = {p, nextafter(p, 0), nextafter(p, INFINITY)};
    for (int k = 0; k < 3; k++) {
      if (isinf(v[k]) || v[k] == 0) continue;
      for (int s = 0; s < 2; s++) {
        double f = s ? -v[k] : v[k];
        sc_format_float(f, buf);
        cr_assert_eq(strtod(buf, NULL), f, "%s does not read back to %a", buf, f);
        /* significant digits: from the first to the last nonzero one */
        const char *first = NULL, *last = NULL;
        int between = 0;
        for (const char *c = buf; *c && *c != 'e'; c++)
          if (*c >= '1' && *c <= '9') {
            if (!first) first = c;
            last = c;
          }
        for (const char *c = first; c && c <= last; c++) between += *c != '.';
        cr_assert(between >= 1 && between <= 17, "%s has %d significant digits", buf, between);
      }
    }
  }
}

static char *printed(const sc_rt *rt, sc_value v) {
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_value_print(rt, f, v);
  fclose(f);
  return buf;
}

static void prints(const sc_rt *rt, sc_value v, const char *want) {
  char *t = printed(rt, v);
  cr_assert_str_eq(t, want);
  free(t);
}

static sc_value str(const char *s) { return sc_ptr(SC_STR, sc_str_new(s, (int64_t)strlen(s))); }

static sc_program *prog;
static sc_rt rt;
static uint32_t nx, ny, nz;

static void setup(void) {
  sc_runtime_init();
  prog = sc_program_new("t.sasm");
  sc_func_add(prog, "main", 0);
  sc_func_add(prog, "helper_fn", 2);
  nx = sc_name_intern(prog, "x");
  ny = sc_name_intern(prog, "y");
  nz = sc_name_intern(prog, "next");
  sc_rt_init(&rt, prog);
}

TestSuite(printv, .init = setup);

Test(printv, scalars) {
  prints(&rt, sc_null(), "null");
  prints(&rt, sc_bool(1), "true");
  prints(&rt, sc_bool(0), "false");
  prints(&rt, sc_int(0), "0");
  prints(&rt, sc_int(-42), "-42");
  prints(&rt, sc_int(INT64_MAX), "9223372036854775807");
  prints(&rt, sc_int(INT64_MIN), "-9223372036854775808");
  prints(&rt, sc_float(3.0), "3.0");
  prints(&rt, sc_float(-0.0), "-0.0");
  prints(&rt, sc_float(1e-5), "1e-05");
  prints(&rt, sc_float(NAN), "nan");
  prints(&rt, sc_funcval(0), "<func main>");
  prints(&rt, sc_funcval(1), "<func helper_fn>");
  prints(&rt, sc_ptr(SC_MAP, sc_map_new()), "map(0)");
  sc_value m = sc_ptr(SC_MAP, sc_map_new());
  for (int i = 0; i < 3; i++) sc_rt_map_set(&rt, m, sc_int(i), sc_null());
  prints(&rt, m, "map(3)");
}

Test(printv, strings_raw_at_top_quoted_inside) {
  prints(&rt, str("plain"), "plain");
  prints(&rt, str("a\"b\\c\nd\te"), "a\"b\\c\nd\te");
  prints(&rt, str(""), "");
  sc_value s = sc_ptr(SC_STR, sc_str_new("a\0b", 3)); /* embedded NUL is written */
  char *t = printed(&rt, s);
  cr_assert_eq(memcmp(t, "a\0b", 4), 0);
  free(t);
  sc_value items[5] = {str("a\"b"), str("back\\slash"), str("nl\n"), str("tab\t"), str("")};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(items, 5)),
         "[\"a\\\"b\", \"back\\\\slash\", \"nl\\n\", \"tab\\t\", \"\"]");
  sc_object *o = sc_object_new(&rt);
  sc_object_add_field(&rt, o, nx, str("q\""));
  prints(&rt, sc_ptr(SC_OBJECT, o), "{x: \"q\\\"\"}");
}

Test(printv, arrays) {
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_new(0)), "[]");
  sc_value ints[3] = {sc_int(1), sc_int(-2), sc_int(3)};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(ints, 3)), "[1, -2, 3]");
  sc_value fl[3] = {sc_float(1.0), sc_float(2.5), sc_float(1e16)};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(fl, 3)), "[1.0, 2.5, 1e+16]");
  sc_value mixed[6] = {sc_int(1), sc_float(2.5), str("a"), sc_null(), sc_bool(1), sc_funcval(0)};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(mixed, 6)), "[1, 2.5, \"a\", null, true, <func main>]");
  sc_value inner = sc_ptr(SC_ARRAY, sc_array_from(ints, 2));
  sc_value nest[3] = {inner, sc_ptr(SC_ARRAY, sc_array_new(0)), inner}; /* shared, not a cycle */
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(nest, 3)), "[[1, -2], [], [1, -2]]");
  sc_value withmap[2] = {sc_ptr(SC_MAP, sc_map_new()), sc_ptr(SC_OBJECT, sc_object_new(&rt))};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(withmap, 2)), "[map(0), {}]");
}

Test(printv, objects) {
  sc_object *o = sc_object_new(&rt);
  prints(&rt, sc_ptr(SC_OBJECT, o), "{}");
  sc_object_add_field(&rt, o, nx, sc_int(1));
  sc_object_add_field(&rt, o, ny, sc_float(2.0));
  prints(&rt, sc_ptr(SC_OBJECT, o), "{x: 1, y: 2.0}");
  sc_object *p = sc_object_new(&rt); /* insertion order, not name order */
  sc_object_add_field(&rt, p, ny, sc_ptr(SC_OBJECT, o));
  sc_object_add_field(&rt, p, nx, sc_bool(0));
  prints(&rt, sc_ptr(SC_OBJECT, p), "{y: {x: 1, y: 2.0}, x: false}");
  sc_value items[2] = {sc_ptr(SC_OBJECT, o), sc_ptr(SC_OBJECT, o)};
  prints(&rt, sc_ptr(SC_ARRAY, sc_array_from(items, 2)), "[{x: 1, y: 2.0}, {x: 1, y: 2.0}]");
}

Test(printv, cycles) {
  sc_value a = sc_ptr(SC_ARRAY, sc_array_new(0));
  sc_array_push(a.a, a);
  prints(&rt, a, "[[...]]");
  sc_array_push(a.a, sc_int(7));
  prints(&rt, a, "[[...], 7]");
  sc_object *o = sc_object_new(&rt);
  sc_object_add_field(&rt, o, nx, sc_int(1));
  sc_object_add_field(&rt, o, nz, sc_ptr(SC_OBJECT, o));
  prints(&rt, sc_ptr(SC_OBJECT, o), "{x: 1, next: {...}}");
  /* mutual: a -> b -> a, printed from either end */
  sc_value b = sc_ptr(SC_ARRAY, sc_array_new(0)), c = sc_ptr(SC_ARRAY, sc_array_new(0));
  sc_array_push(b.a, c);
  sc_array_push(c.a, b);
  prints(&rt, b, "[[[...]]]");
  /* object <-> array */
  sc_object *q = sc_object_new(&rt);
  sc_value arr = sc_ptr(SC_ARRAY, sc_array_new(0));
  sc_object_add_field(&rt, q, nx, arr);
  sc_array_push(arr.a, sc_ptr(SC_OBJECT, q));
  prints(&rt, arr, "[{x: [...]}]");
  prints(&rt, sc_ptr(SC_OBJECT, q), "{x: [{...}]}");
}

/* Builds depth nested one-element arrays; the innermost holds leaf. */
static sc_value nested(int depth, sc_value leaf, sc_value *innermost) {
  sc_value cur = sc_ptr(SC_ARRAY, sc_array_new(1)), top = cur;
  for (int i = 1; i < depth; i++) {
    sc_value n = sc_ptr(SC_ARRAY, sc_array_new(1));
    sc_array_push(cur.a, n);
    cur = n;
  }
  if (leaf.tag != SC_NULL) sc_array_push(cur.a, leaf);
  *innermost = cur;
  return top;
}

Test(printv, deep_nesting_is_not_a_cycle) {
  enum { D = 200000 };
  sc_value inner, top = nested(D, sc_int(5), &inner);
  char *t = printed(&rt, top);
  size_t n = strlen(t);
  cr_assert_eq(n, (size_t)2 * D + 1);
  for (size_t i = 0; i < D; i++) cr_assert(t[i] == '[' && t[n - 1 - i] == ']', "at %zu", i);
  cr_assert_eq(t[D], '5');
  free(t);
  /* one deep chain three times: leaving the first copy must forget it */
  enum { C = 100 };
  sc_value chain = nested(C, sc_int(1), &inner);
  sc_value three[3] = {chain, chain, chain};
  t = printed(&rt, sc_ptr(SC_ARRAY, sc_array_from(three, 3)));
  char want[3 * (2 * C + 3) + 8], *w = want;
  *w++ = '[';
  for (int k = 0; k < 3; k++) {
    if (k) w = stpcpy(w, ", ");
    for (int i = 0; i < C; i++) *w++ = '[';
    *w++ = '1';
    for (int i = 0; i < C; i++) *w++ = ']';
  }
  *w++ = ']';
  *w = 0;
  cr_assert_str_eq(t, want);
  free(t);
}

Test(printv, deep_cycle_detected_where_it_recurs) {
  enum { D = 5000 };
  sc_value inner, top = nested(D, sc_null(), &inner);
  sc_array_push(inner.a, top); /* the innermost array holds the outermost */
  char *t = printed(&rt, top);
  size_t n = strlen(t);
  cr_assert_eq(n, (size_t)2 * D + 5);
  for (size_t i = 0; i < D; i++) cr_assert(t[i] == '[' && t[n - 1 - i] == ']', "at %zu", i);
  cr_assert_eq(strncmp(t + D, "[...]", 5), 0);
  free(t);
  /* a cycle to the middle of a deep path, with siblings after it */
  sc_value mid, top2 = nested(100, sc_null(), &inner);
  mid = top2;
  for (int i = 0; i < 50; i++) mid = sc_array_at(mid.a, 0);
  sc_array_push(inner.a, mid);
  sc_array_push(inner.a, sc_int(1));
  t = printed(&rt, top2);
  char want[1024], *w = want;
  for (int i = 0; i < 100; i++) *w++ = '[';
  w = stpcpy(w, "[...], 1");
  for (int i = 0; i < 100; i++) *w++ = ']';
  *w = 0;
  cr_assert_str_eq(t, want);
  free(t);
}
