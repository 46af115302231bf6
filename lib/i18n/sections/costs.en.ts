/** English messages for the costs section; zh-CN mirrors the same keys. */
export const costsEn = {
  title: "Costs",
};
