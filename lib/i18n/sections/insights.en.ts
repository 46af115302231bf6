/** English messages for the insights section; zh-CN mirrors the same keys. */
export const insightsEn = {
  title: "Risk insights",
};
