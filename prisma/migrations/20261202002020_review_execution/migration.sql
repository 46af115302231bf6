-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "approvedAmountFen" INTEGER;
